"""The `leakage` check's option exemption (`presented_as_option`): an answer that the prompt shows
only as one of the options the case lists is not a leak; one the prompt singles out is."""

from __future__ import annotations

from agent.selftest.checks.prompt import presented_as_option

WORDS = {"words": ["pear", "apple", "fig"], "answer": "apple"}


def test_an_answer_listed_among_its_options_is_presented_as_an_option() -> None:
    prompt = "Which word comes first in alphabetical order? pear, apple, fig"
    assert presented_as_option(WORDS, prompt, "apple")
    numbers = {"grid": [[3, 17], [5, 9]]}  # nested lists, numbers written as JSON writes them
    assert presented_as_option(numbers, "Rows: 3 17 / 5 9. The largest?", "17")
    # the question names two options, the list names them again: the answer is not singled out
    both = "Is apple or pear sweeter? Options: pear, apple, fig"
    assert presented_as_option(WORDS, both, "apple")


def test_an_answer_the_prompt_singles_out_is_not() -> None:
    # named again on its own: more often than any other option
    told = "Which word comes first? pear, apple, fig. (It is apple.)"
    assert not presented_as_option(WORDS, told, "apple")
    # not every option is shown: the prompt picked the answer out of the list
    assert not presented_as_option(WORDS, "Which comes first? apple or fig", "apple")
    assert not presented_as_option(WORDS, "Which comes first: apple?", "apple")
    # a case dumped whole: its answer field shows the answer once more than the list does
    change = {"prices": [3, 4], "paid": 10, "change": 3}
    assert not presented_as_option(change, '{"prices": [3, 4], "paid": 10, "change": 3}', "3")
    # the answer stored in a field of its own is not an option, wherever the prompt shows it
    assert not presented_as_option(change, '{"prices": [3, 4], "paid": 10, "change": 3}', "10")
    # a list of one value offers no choice
    assert not presented_as_option({"n": [5]}, "The list is 5; its length?", "5")
    # the answer is not among the options at all
    assert not presented_as_option(WORDS, "pear, apple, fig", "plum")
