-- Decides and records one checkout in PostgreSQL alone, for when Redis is unavailable: slower than the
-- Redis script, and just as correct. A hold is the latest unexpired granted attempt of an item.
-- Advisory locks serialise the decisions per item and per user (always item first, then user).
create function checkout_without_redis(
    p_sale_id bigint,
    p_item_index integer,
    p_item_id text,
    p_user_id text,
    p_now timestamptz,
    p_expires_at timestamptz,
    p_code text,
    p_max_items integer)
returns table (r_outcome text, r_code text, r_expires_at timestamptz)
language plpgsql
as $$
declare
    v_code text;
    v_user text;
    v_expires timestamptz;
    v_bought integer;
    v_live integer;
    v_outcome text;
begin
    perform pg_advisory_xact_lock(hashtextextended('flashsale:item:' || p_sale_id || ':' || p_item_index, 0));
    perform pg_advisory_xact_lock(hashtextextended('flashsale:user:' || p_sale_id || ':' || p_user_id, 0));

    if exists (select 1 from purchases p where p.sale_id = p_sale_id and p.item_index = p_item_index) then
        v_outcome := 'item_sold';
    else
        select a.code, a.user_id, a.expires_at into v_code, v_user, v_expires
        from checkout_attempts a
        where a.sale_id = p_sale_id and a.item_index = p_item_index and a.outcome = 'ok' and a.expires_at > p_now
        order by a.id desc
        limit 1;

        if found and v_user = p_user_id then
            v_outcome := 'ok';
        elsif found then
            v_outcome := 'item_reserved';
        else
            select coalesce(max(u.purchased), 0) into v_bought
            from user_purchase_counts u
            where u.sale_id = p_sale_id and u.user_id = p_user_id;

            select count(distinct a.item_index) into v_live
            from checkout_attempts a
            where a.sale_id = p_sale_id and a.user_id = p_user_id and a.outcome = 'ok' and a.expires_at > p_now
              and not exists (select 1 from purchases p where p.code = a.code);

            if v_bought + v_live >= p_max_items then
                v_outcome := 'user_limit_reached';
            else
                v_outcome := 'ok';
                v_code := p_code;
                v_expires := p_expires_at;
            end if;
        end if;
    end if;

    if v_outcome <> 'ok' then
        v_code := null;
        v_expires := null;
    end if;

    insert into checkout_attempts (attempted_at, user_id, item_id, sale_id, item_index, outcome, code, expires_at)
    values (p_now, p_user_id, p_item_id, p_sale_id, p_item_index, v_outcome, v_code, v_expires);

    return query select v_outcome, v_code, v_expires;
end;
$$;
