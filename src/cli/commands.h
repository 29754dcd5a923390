/* commands.h - the storymovie subcommands.  Each lives in its own cmd_*.c,
 * takes the arguments after the command name (argv[0] is the command) and
 * returns the process exit status.  Shared helpers for the commands are in
 * cli.h. */
#ifndef STORYMOVIE_CLI_COMMANDS_H
#define STORYMOVIE_CLI_COMMANDS_H

int cmd_subs(int argc, char **argv);       /* cmd_subs.c */
int cmd_script(int argc, char **argv);     /* cmd_script.c */
int cmd_align(int argc, char **argv);      /* cmd_align.c */
int cmd_story(int argc, char **argv);      /* cmd_story.c */
int cmd_link(int argc, char **argv);       /* cmd_link.c */
int cmd_build(int argc, char **argv);      /* cmd_link.c */
int cmd_eval(int argc, char **argv);       /* cmd_eval.c: dispatches to the cmd_eval_* below */
int cmd_eval_speakers(int argc, char **argv);   /* cmd_eval_speakers.c */
int cmd_eval_grounding(int argc, char **argv);  /* cmd_eval_story.c */
int cmd_eval_language(int argc, char **argv);   /* cmd_eval_story.c */
int cmd_eval_structure(int argc, char **argv);  /* cmd_eval_structure.c */
int cmd_eval_dialogue(int argc, char **argv);   /* cmd_eval_dialogue.c */
int cmd_eval_judge(int argc, char **argv);      /* cmd_eval_judge.c */
int cmd_eval_qa(int argc, char **argv);         /* cmd_eval_qa.c: qa make, qa run */
int cmd_eval_report(int argc, char **argv);     /* cmd_eval_report.c */
int cmd_llm(int argc, char **argv);        /* cmd_llm.c: llm run */
int cmd_dataset(int argc, char **argv);    /* cmd_dataset.c */
int cmd_export(int argc, char **argv);     /* cmd_export.c */
int cmd_view(int argc, char **argv);       /* cmd_view.c */
int cmd_generate(int argc, char **argv);   /* cmd_generate.c: generate ground|tell */

#endif
