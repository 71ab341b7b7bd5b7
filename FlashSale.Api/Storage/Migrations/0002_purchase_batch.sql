-- Redeems a batch of checkout codes in one transaction (one commit, one disk sync for the whole batch),
-- each code getting its own outcome:
--   purchased | already_purchased | code_not_found | code_expired | item_sold | user_limit_reached | sale_ended
-- Locks are always taken in one global order - first every (sale, user) counter of the batch sorted, then
-- items sorted - so batches running at once on several replicas wait for each other but cannot deadlock.
create function purchase_batch(p_codes text[], p_now timestamptz)
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
    from checkout_attempts a
    where a.code = any (p_codes) and a.outcome = 'ok'
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
