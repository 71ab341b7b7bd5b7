-- purchase_batch decides a whole batch in one statement, where 0006 ran a loop of four statements per code (and
-- two foreign-key checks), two thirds of PostgreSQL's samples in a rush. The rules and their order are 0002's:
-- 1. The buyers' counter rows are locked first, in (sale, user) order, by a sorted upsert. Its `where false`
--    locks an existing row without writing a new version of it, so the increment below needs no foreign-key
--    check of the sale for it.
-- 2. One statement then reads, as of a snapshot taken after those locks (so every buyer's count is current),
--    each code's first granted attempt, its sale, a purchase of the code, a purchase of the item and the buyer's
--    count, each by one index probe per code: a `limit 1` lateral, which the planner cannot turn into a hash join
--    that reads a whole table, whatever the statistics of a cached plan's moment. A code is refused, in this
--    order: code_not_found, already_purchased, sale_ended, item_sold, code_expired. Each buyer's other codes, in
--    item order, are bought while the count allows, the rest refused user_limit_reached. Purchases are inserted
--    in (sale, item) order, as every batch does, so two batches waiting on each other's items cannot deadlock,
--    and the counts grow by what was inserted.
-- 3. An insert that met a purchase this snapshot could not see (another replica's batch selling the item, or two
--    live codes of one item in this batch) answers 'retry', and so does every code of that buyer refused for the
--    limit in this batch: the ledger sends them again in its next batch, which sees that purchase (or finds it
--    rolled back). A code is retried only after another purchase of its item or by its buyer, so retries end.
create or replace function purchase_batch(p_codes text[], p_now timestamptz)
returns table (
    r_code text,
    r_outcome text,
    r_purchase_id bigint,
    r_sale_id bigint,
    r_item_index integer,
    r_user_id text,
    r_purchased_at timestamptz)
language plpgsql
as $$
begin
    insert into user_purchase_counts as u (sale_id, user_id)
    select distinct a.sale_id, a.user_id
    from unnest(p_codes) c (code)
    cross join lateral (
        select x.sale_id, x.user_id
        from checkout_attempts x
        where x.code = c.code and x.outcome = 'ok'
        order by x.id
        limit 1) a
    order by 1, 2
    on conflict (sale_id, user_id) do update set purchased = u.purchased where false;

    return query
    with held as (
        select c.code, a.sale_id, a.item_index, a.user_id, a.expires_at,
            case
                when a.sale_id is null then 'code_not_found'
                when b.id is not null then 'already_purchased'
                when p_now >= s.ends_at then 'sale_ended'
                when t.taken then 'item_sold'
                when a.expires_at <= p_now then 'code_expired'
            end as refusal,
            b.id as bought_id, b.purchased_at as bought_at,
            s.max_items_per_user - u.purchased as allowance
        from (select distinct unnest(p_codes) as code) c
        left join lateral (
            select x.sale_id, x.item_index, x.user_id, x.expires_at
            from checkout_attempts x
            where x.code = c.code and x.outcome = 'ok'
            order by x.id
            limit 1) a on true
        left join lateral (select p.id, p.purchased_at from purchases p where p.code = c.code limit 1) b on true
        left join lateral (
            select true as taken
            from purchases p
            where p.sale_id = a.sale_id and p.item_index = a.item_index
            limit 1) t on true
        left join lateral (select x.ends_at, x.max_items_per_user from sales x where x.id = a.sale_id limit 1) s on true
        left join lateral (
            select x.purchased
            from user_purchase_counts x
            where x.sale_id = a.sale_id and x.user_id = a.user_id
            limit 1) u on true),
    ranked as (
        select h.*,
            row_number() over (partition by h.sale_id, h.user_id order by h.item_index, h.code)
                <= h.allowance as allowed
        from held h
        where h.refusal is null),
    bought as (
        insert into purchases (sale_id, item_index, user_id, code, purchased_at)
        select r.sale_id, r.item_index, r.user_id, r.code, p_now
        from ranked r
        where r.allowed
        order by r.sale_id, r.item_index, r.code
        on conflict do nothing
        returning code, id, purchased_at, sale_id, user_id),
    counted as (
        update user_purchase_counts u
        set purchased = u.purchased + n.bought
        from (select b.sale_id, b.user_id, count(*) as bought from bought b group by b.sale_id, b.user_id) n
        where u.sale_id = n.sale_id and u.user_id = n.user_id),
    decided as (
        select r.code, b.id, b.purchased_at,
            case
                when b.id is not null then 'purchased'
                when bool_or(r.allowed and b.id is null) over (partition by r.sale_id, r.user_id) then 'retry'
                else 'user_limit_reached'
            end as outcome
        from ranked r
        left join bought b using (code))
    select h.code,
        coalesce(h.refusal, d.outcome),
        coalesce(h.bought_id, d.id),
        h.sale_id,
        h.item_index,
        h.user_id,
        coalesce(h.bought_at, d.purchased_at)
    from held h
    left join decided d using (code);
end;
$$;
