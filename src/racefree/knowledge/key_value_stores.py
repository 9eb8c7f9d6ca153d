"""Key-value stores used through method calls: caches (Django's, cachelib, aiocache, LiteLLM's
DualCache), Redis clients, settings stores. Their get and set are two calls, so a value read
with one, changed, and written back with the other is a read-modify-write that another thread
or task can interleave with; the stores offer atomic increments for that."""

# Methods (by name) that read one or more values from a store.
STORE_READ_METHODS = frozenset(
    {
        "get", "get_many", "mget", "hget", "hmget", "hgetall", "aget", "aget_many",
        "get_cache", "async_get_cache", "batch_get_cache", "async_batch_get_cache",
        "get_value",
    }
)

# Methods (by name) that write one or more values to a store. `put` is left out: a value taken
# from a queue and put back (a retry) is not an update of a stored value.
STORE_WRITE_METHODS = frozenset(
    {
        "set", "set_many", "mset", "hset", "hmset", "setex", "psetex", "aset", "aset_many",
        "set_cache", "async_set_cache", "batch_set_cache", "async_batch_set_cache",
        "async_set_cache_pipeline", "set_value",
    }
)
