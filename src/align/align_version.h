/* align_version.h - the version of the aligner's method.
 *
 * Every alignment records the method version that made it (provenance.h),
 * and `build` and `align --manifest` align a film again when its alignment
 * was made by another version.  Bump this whenever a change to the method
 * (src/align/align*.c) or to its records changes what an alignment holds,
 * so that no run keeps alignments the current method would not make. */
#ifndef SM_ALIGN_VERSION_H
#define SM_ALIGN_VERSION_H

/* 1: the aligner of stage one; 2: moved matches need a neighbour in their
 * scene, mismatched films answered with no speakers; 3: scene-turn and
 * addressed evidence, one character under two cue names. */
#define SM_ALIGN_METHOD_VERSION 3

#endif
