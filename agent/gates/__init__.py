"""Quality gates that ask an LLM, each a graph node of its own (registered in `agent.graph`).

They run only when an LLM endpoint is configured and the gate is on in `DevelopOptions.gates`
(`campforge draft --no-gates` turns them all off); without one the graph passes through them
unchanged. Their prompts are `prompts/*.md.j2`, under `PROMPT_VERSION`.

- `fidelity`: the LLM lists where the bootcamp departs from its spec;
- `shortcut_hunt`: the LLM writes plausible wrong methods as code, the sandbox measures them;
- `gate_repair`: a failing gate check goes back to the LLM in the repair prompt (bounded by the
  spec's repair rounds); what is left reaches the reviewer as an advisory check;
- `novelty_judge`: after queueing, the LLM judges the candidate against its nearest tasks.
"""
