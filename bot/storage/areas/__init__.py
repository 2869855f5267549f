"""The chat store by area: one module per kind of state, each a part of `bot.storage.ChatStore`
(the facade, `bot.storage.store`) sharing the engine, transactions and statement helpers of
`bot.storage.engine`. A new kind of state (imports, jobs, film facts) is a new module here, with
its tests in `tests/storage/`."""
