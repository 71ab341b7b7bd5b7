-- A purchase finds its code's first granted attempt (`code = $1 and outcome = 'ok' order by id limit 1`). The
-- index on code alone left the planner free to pair it with another partial index on outcome = 'ok' (a
-- BitmapAnd that read every hold of the sale for each code: 10 ms per purchase batch in a 10,000-item rush,
-- half its time) when the statistics lagged behind a fast-growing table. This one answers the whole predicate
-- and the order, so no estimate makes another plan look cheaper.
drop index checkout_attempts_by_code;
create index checkout_attempts_granted_by_code on checkout_attempts (code, id) where outcome = 'ok';
