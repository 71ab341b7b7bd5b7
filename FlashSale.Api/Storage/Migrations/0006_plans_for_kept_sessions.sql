-- Pooled connections now keep their session between uses (no DISCARD ALL), so the plans PostgreSQL caches for
-- the statements inside these functions live as long as the connection instead of one call. A cached generic
-- plan is made from the statistics of its moment and kept while the tables grow, so each statement must have
-- one plan that is right at any size:
-- - purchase_batch's lock-taking insert found its codes with `code = any (p_codes)`; its generic plan, made on a
--   fresh database, read the bitmap of every hold of the sale and filtered on the code (10 ms per batch by the
--   end of a first rush, against 0.4 ms). It now finds each code the way the loop does, one index probe per code
--   on (code, id), which no table size makes worse. Its other statements are lookups by unique keys.
-- - checkout_without_redis runs each statement once per call, one checkout without Redis: it is planned for its
--   own arguments, as it was when every call met a reset session.
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
declare
    h record;
    v_id bigint;
    v_at timestamptz;
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
    on conflict (sale_id, user_id) do update set purchased = u.purchased;

    for h in
        select c.code, a.sale_id, a.item_index, a.user_id, a.expires_at, s.ends_at, s.max_items_per_user
        from (select distinct unnest(p_codes) as code) c
        left join lateral (
            select x.sale_id, x.item_index, x.user_id, x.expires_at
            from checkout_attempts x
            where x.code = c.code and x.outcome = 'ok'
            order by x.id
            limit 1) a on true
        left join sales s on s.id = a.sale_id
        order by a.sale_id nulls first, a.item_index, c.code
    loop
        r_code := h.code;
        r_sale_id := h.sale_id;
        r_item_index := h.item_index;
        r_user_id := h.user_id;
        r_purchase_id := null;
        r_purchased_at := null;

        if h.sale_id is null then
            r_outcome := 'code_not_found';
            return next;
            continue;
        end if;

        select p.id, p.purchased_at into v_id, v_at from purchases p where p.code = h.code;
        if found then
            r_outcome := 'already_purchased';
            r_purchase_id := v_id;
            r_purchased_at := v_at;
            return next;
            continue;
        end if;

        if p_now >= h.ends_at then
            r_outcome := 'sale_ended';
        elsif exists (select 1 from purchases p where p.sale_id = h.sale_id and p.item_index = h.item_index) then
            r_outcome := 'item_sold';
        elsif h.expires_at <= p_now then
            r_outcome := 'code_expired';
        else
            update user_purchase_counts u
            set purchased = u.purchased + 1
            where u.sale_id = h.sale_id and u.user_id = h.user_id and u.purchased < h.max_items_per_user;

            if not found then
                r_outcome := 'user_limit_reached';
            else
                v_id := null;
                insert into purchases (sale_id, item_index, user_id, code, purchased_at)
                values (h.sale_id, h.item_index, h.user_id, h.code, p_now)
                on conflict do nothing
                returning id, purchased_at into v_id, v_at;

                if v_id is not null then
                    r_outcome := 'purchased';
                    r_purchase_id := v_id;
                    r_purchased_at := v_at;
                else
                    -- Another replica's batch sold the item first (or redeemed this very code): undo the count.
                    update user_purchase_counts u
                    set purchased = u.purchased - 1
                    where u.sale_id = h.sale_id and u.user_id = h.user_id;

                    select p.id, p.purchased_at into v_id, v_at from purchases p where p.code = h.code;
                    if found then
                        r_outcome := 'already_purchased';
                        r_purchase_id := v_id;
                        r_purchased_at := v_at;
                    else
                        r_outcome := 'item_sold';
                    end if;
                end if;
            end if;
        end if;

        return next;
    end loop;
end;
$$;

alter function checkout_without_redis(bigint, integer, text, text, timestamptz, timestamptz, text, integer)
    set plan_cache_mode = force_custom_plan;
