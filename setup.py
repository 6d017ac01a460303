"""The one build setting pyproject.toml cannot state: the top-level `templates/` and `prompts/`
directories ship as the packages `campforge_templates` and `campforge_prompts` (a wheel copies
them, an editable install maps them to the checkout), beside the code packages, found as usual.
Everything else about the build is in pyproject.toml."""

from setuptools import find_namespace_packages, setup

DATA_PACKAGES = {"campforge_templates": "templates", "campforge_prompts": "prompts"}

setup(
    packages=[
        *find_namespace_packages(include=["agent*", "generated_bootcamps*", "review*"]),
        *DATA_PACKAGES,
    ],
    package_dir=DATA_PACKAGES,
)
