"""Call pdd's llm_invoke for real, with LiteLLM answering from mock_response (no network)."""
import litellm

_real_completion = litellm.completion


def _mocked_completion(*args, **kwargs):
    kwargs.setdefault("mock_response", "The answer is 42.")
    return _real_completion(*args, **kwargs)


litellm.completion = _mocked_completion

from pdd.llm_invoke import llm_invoke  # noqa: E402  (after the mock is in place)

result = llm_invoke(prompt="Answer {question}", input_json={"question": "six times seven"},
                    strength=0.5, temperature=0.0, verbose=True)
print("RESULT", result.get("result"), result.get("cost"))
