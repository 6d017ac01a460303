"""Written for this test suite (not from InternBootcamp): an InternBootcamp-style module in
Python 2, as some of InternBootcamp's reference code is. `campforge audit` must call it
`unusable: Python 2 syntax` without running it."""

from bootcamp import Basebootcamp
import random
import re


class Py2sumpairbootcamp(Basebootcamp):
    def __init__(self, max_value=100):
        self.max_value = max_value

    def case_generator(self):
        a = random.randint(0, self.max_value)
        b = random.randint(0, self.max_value)
        print "generated", a, b
        return {'a': a, 'b': b, 'answer': a + b}

    @staticmethod
    def prompt_func(question_case):
        return "What is %d + %d? Answer in [answer][/answer]." % (question_case['a'], question_case['b'])

    @staticmethod
    def extract_output(output):
        matches = re.findall(r'\[answer\](.*?)\[/answer\]', output)
        return int(matches[-1]) if matches else None

    @classmethod
    def _verify_correction(cls, solution, identity):
        return solution == identity['answer']
