"""generated_bootcamps.reward: verl's compute_score, batch scoring, and the reward functions of
TRL and OpenRLHF."""

from __future__ import annotations

import json

import pytest

import generated_bootcamps
from generated_bootcamps import export
from generated_bootcamps.reward import compute_score, reward_func, score_batch, trl_reward


def sample(name, count, difficulty="easy"):
    """`count` cases of a bootcamp with their reference responses."""
    cls = generated_bootcamps.get(name)
    cases = [cls(seed=seed, difficulty=difficulty).generate() for seed in range(count)]
    return cls, cases, [cls.format_answer(cls.solve(case)) for case in cases]


@pytest.mark.parametrize("name", generated_bootcamps.names())
def test_compute_score_takes_a_case_dict_or_its_json(name):
    _, cases, responses = sample(name, 5)
    for case, response in zip(cases, responses, strict=True):
        assert compute_score(name, response, case) == 1.0
        assert compute_score(name, "I think it is " + response, json.dumps(case)) == 1.0
        assert compute_score(name, "I don't know.", json.dumps(case), extra_info={}) == 0.0


def test_a_mistake_in_the_call_is_an_error_not_a_zero():
    name = generated_bootcamps.names()[0]
    _, cases, responses = sample(name, 1)
    with pytest.raises(ValueError, match="data_source 'nope'"):
        compute_score("nope", responses[0], cases[0])
    with pytest.raises(ValueError, match="not valid JSON"):
        compute_score(name, responses[0], "{not json")
    with pytest.raises(ValueError, match="must encode a case dict"):
        compute_score(name, responses[0], "[1, 2]")
    with pytest.raises(ValueError, match="key 'unrelated' appears in no generated case"):
        compute_score(name, responses[0], {"unrelated": 1})
    with pytest.raises(ValueError, match="solve\\(\\) failed"):
        compute_score(name, "\\boxed{0.5}", {**cases[0], "mode": "sometimes"})
    with pytest.raises(ValueError, match="not int"):
        compute_score(name, responses[0], 42)


def test_score_batch_on_all_cores_matches_one_by_one():
    names = generated_bootcamps.names()
    sources, responses, truths, expected = [], [], [], []
    for name in names:
        cls, cases, right = sample(name, 100)
        for index, (case, response) in enumerate(zip(cases, right, strict=True)):
            wrong = right[(index + 1) % len(right)]  # another case's answer: usually wrong
            for text in (response, wrong):
                sources.append(name)
                responses.append(text)
                truths.append(json.dumps(case))
                expected.append(cls.score(text, case))
    assert len(sources) >= 512  # large enough to use the process pool
    assert score_batch(sources, responses, truths, workers=2) == expected
    assert score_batch(sources, responses, truths, workers=1) == expected
    assert 1.0 in expected and 0.0 in expected


def test_score_batch_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="lengths must match"):
        score_batch(["a"], [], [])


def test_trl_reward_reads_plain_and_conversational_completions():
    name = generated_bootcamps.names()[0]
    _, cases, responses = sample(name, 3)
    conversational = [[{"role": "assistant", "content": response}] for response in responses]
    truths = [json.dumps(case) for case in cases]
    assert trl_reward(responses, data_source=[name] * 3, ground_truth=truths) == [1.0] * 3
    assert (
        trl_reward(conversational, data_source=[name] * 3, ground_truth=truths, prompts=["p"] * 3)
        == [1.0] * 3
    )
    with pytest.raises(ValueError, match="data_source"):
        trl_reward(responses)


def test_openrlhf_reward_func_scores_an_openrlhf_export(tmp_path):
    """Export with --format openrlhf, then score as OpenRLHF calls the function: queries are the
    prompt followed by the response, labels the `label` column."""
    path = tmp_path / "train.jsonl"
    export.write_dataset(generated_bootcamps.names(), 6, path, format="openrlhf", workers=1)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert {"data_source", "prompt", "label", "difficulty", "seed"} == set(rows[0])
    prompts = [row["prompt"] for row in rows]
    labels = [row["label"] for row in rows]
    right = []
    for row in rows:
        cls = generated_bootcamps.get(row["data_source"])
        right.append(cls.format_answer(cls.solve(json.loads(row["label"])["ground_truth"])))
    queries = [
        f"{prompt}\nLet me work it out. {answer}"
        for prompt, answer in zip(prompts, right, strict=True)
    ]
    result = reward_func(queries, prompts, labels)
    assert list(result["rewards"]) == [1.0] * len(rows)
    assert list(result["scores"]) == [1.0] * len(rows)
    assert result["extra_logs"]["answered"] == 1.0

    wrong = reward_func([p + " No idea." for p in prompts], prompts, labels)
    assert list(wrong["rewards"]) == [0.0] * len(rows)
    assert wrong["extra_logs"]["answered"] == 0.0


def test_openrlhf_reward_func_rejects_labels_it_cannot_read():
    name = generated_bootcamps.names()[0]
    _, (case,), (response,) = sample(name, 1)
    with pytest.raises(ValueError, match="not JSON"):
        reward_func([response], [""], ["the answer is 4"])
    with pytest.raises(ValueError, match="'data_source' and 'ground_truth'"):
        reward_func([response], [""], [json.dumps(case)])  # the case alone: no data_source
    with pytest.raises(ValueError, match="lengths must match"):
        reward_func([response], [], [])
