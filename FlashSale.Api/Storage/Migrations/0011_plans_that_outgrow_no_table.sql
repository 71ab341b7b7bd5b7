-- A plan PostgreSQL keeps for a function's statement is made from the table sizes of its moment, and kept until
-- autovacuum next changes them, which it does at most once a minute. On a fresh database a connection that runs
-- purchase_batch while checkout_attempts and purchases are a page or two (the warm-up, the first purchases) gets
-- plans that scan them whole, cheapest for a page, and keeps them while the rush grows the tables: a first rush
-- on a replica started a minute after its database did not sell out in 30 s, PostgreSQL at 1,077 µs of CPU a
-- request instead of about 70, in 20,825 full scans of checkout_attempts reading 120 million rows.
-- checkout_without_redis keeps generic plans on purpose (0009) and is open to the same. Every statement of both
-- finds its rows by an index (a code, an item, a user, a sale's counter), so a full scan is never the plan to
-- keep: the planner is told to avoid one, whatever size it thinks a table is.
alter function purchase_batch(text[], timestamptz) set enable_seqscan = off;
alter function checkout_without_redis(bigint, integer, text, text, timestamptz, timestamptz, text, integer)
    set enable_seqscan = off;
