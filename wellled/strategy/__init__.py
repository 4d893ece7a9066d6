"""Strategy into action (issue #18): the golden thread from true north to every
team's driver metrics, agreed through catchball, reviewed monthly with
countermeasures on the shared action loop, and the Board Assurance Framework.
See docs/strategy.md."""
