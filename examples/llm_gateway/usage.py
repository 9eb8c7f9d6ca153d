"""Token and cost accounting, fed by LiteLLM's success callback."""

import litellm

# Written by the callback, read back by the caller (the pdd-cli pattern).
_LAST_USAGE = {"cost": 0.0, "input_tokens": 0, "output_tokens": 0}


def _record_usage(kwargs, completion_response, start_time, end_time):
    usage = completion_response.usage
    _LAST_USAGE["input_tokens"] = usage.prompt_tokens
    _LAST_USAGE["output_tokens"] = usage.completion_tokens
    _LAST_USAGE["cost"] = litellm.completion_cost(completion_response=completion_response)


litellm.success_callback = [_record_usage]


def complete(model, messages):
    response = litellm.completion(model=model, messages=messages)
    return response, _LAST_USAGE["cost"]
