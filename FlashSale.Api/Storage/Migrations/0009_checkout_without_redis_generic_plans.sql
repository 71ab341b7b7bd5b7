-- checkout_without_redis decides each checkout while Redis is down, so in a rush it runs for the whole crowd. 0006
-- had its statements planned for each call's own arguments. For a sale the statistics have not seen (every sale id
-- they know is one of their most-common values, so a new one is estimated at one row) every index that leads with
-- the sale looked equally cheap, and the lookup of the item's hold took the index of holds by user, filtering
-- every live hold of the sale: 15 ms a checkout at 19,000 holds, growing through the rush. A generic plan is made
-- from the number of distinct sales instead of the value, so the index that answers the whole predicate wins
-- (`checkout_attempts_holds_by_item` for the item, `holds_by_user` for the user's holds), whatever sale is asked.
-- PostgreSQL makes the plans again when autovacuum's analyse changes the statistics.
alter function checkout_without_redis(bigint, integer, text, text, timestamptz, timestamptz, text, integer)
    set plan_cache_mode = force_generic_plan;
