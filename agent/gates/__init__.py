"""Quality gates that ask an LLM, each a graph node of its own (registered in `agent.graph`).

They run only when an LLM endpoint is configured and the gate is enabled in
`DevelopOptions.gates`; without one the graph passes through them unchanged.

- `novelty_judge`: the LLM judges the candidate against its nearest catalog and queue tasks.
"""
