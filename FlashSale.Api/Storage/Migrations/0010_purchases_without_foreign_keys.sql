-- A purchase's foreign keys cost more than they guard. Each purchase row checked its item (purchases ->
-- items) and each buyer's counter row its sale (user_purchase_counts -> sales) with a query of its own, run by a
-- trigger per row, that locks the referenced row FOR KEY SHARE: the item lock dirties the item's page and writes
-- a WAL record per purchase. In a warm 10,000-item rush these checks were a tenth of PostgreSQL's samples (`perf`)
-- and 23,600 statements. A sale and its whole stock are created in one transaction, and nothing deletes either;
-- purchase_batch now refuses a code whose item is not in its sale's stock (index at or past total_items, read
-- from the sale row it already joins) as code_not_found, so no purchase names an item that does not exist. The
-- items' own key to their sale stays: it is checked once per item when a sale is created.
alter table purchases drop constraint purchases_sale_id_item_index_fkey;
alter table user_purchase_counts drop constraint user_purchase_counts_sale_id_fkey;

-- 0007's function (its comment gives the rules), with that one refusal added.
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
                when a.sale_id is null or s.total_items is null or a.item_index >= s.total_items then 'code_not_found'
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
        left join lateral (select x.ends_at, x.max_items_per_user, x.total_items from sales x where x.id = a.sale_id limit 1) s on true
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
