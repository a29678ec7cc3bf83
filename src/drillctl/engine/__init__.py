"""The drill engine: the state machine, the fault stack that reverts, expectations, the automatic
hypothesis, the plan, the project lock and `recover`."""
