#!/usr/bin/env python3
"""merge_adapter.py BASE ADAPTER OUT - fold a LoRA adapter into its base model.

    python3 recipes/trl/merge_adapter.py Qwen/Qwen2.5-VL-7B-Instruct saves/storyteller1-trl/lora saves/storyteller1-trl/merged

Runs on the training machine (needs torch, transformers and peft).  The
merged model is the next stage's base and what vLLM serves: a rank-2048
adapter is above the ranks LoRA serving accepts.
"""
import sys

import torch
from peft import PeftModel
from transformers import AutoModelForImageTextToText, AutoProcessor


def main(base, adapter, out):
    model = AutoModelForImageTextToText.from_pretrained(base, dtype=torch.bfloat16)
    model = PeftModel.from_pretrained(model, adapter).merge_and_unload()
    model.save_pretrained(out)
    AutoProcessor.from_pretrained(base).save_pretrained(out)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
