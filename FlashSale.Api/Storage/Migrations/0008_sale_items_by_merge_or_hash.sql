-- A page of a sale's items with each one's status. The listing joined each item to its purchase and to its live
-- holds; on statistics taken before the sale existed (every sale_id then known is in the table's most-common
-- values, so a new one is estimated at one row), the planner chose nested loops that read every purchase and
-- every hold of the sale again for each item: 28 s for a page of a 10,000-item sale in its rush, against the
-- 10 s command timeout (a 503 in a benchmark rush). Without nested loops it joins three ordered or hashed reads of
-- the sale's items, purchases and live holds, each read once: linear in the sale's size whatever the statistics.
-- A function with a SET clause is never inlined, so the setting holds for this statement alone.
create function sale_items_page(p_sale_id bigint, p_after integer, p_limit integer, p_now timestamptz, p_status text)
returns table (r_item_index integer, r_name text, r_image_url text, r_sold boolean, r_held boolean)
language sql
stable
set enable_nestloop = off
as $$
    select i.item_index, i.name, i.image_url, p.item_index is not null, p.item_index is null and h.item_index is not null
    from items i
    left join purchases p on p.sale_id = i.sale_id and p.item_index = i.item_index
    left join (
        select distinct a.item_index
        from checkout_attempts a
        where a.sale_id = p_sale_id and a.outcome = 'ok' and a.expires_at > p_now) h on h.item_index = i.item_index
    where i.sale_id = p_sale_id and i.item_index > p_after
      and case p_status
            when 'available' then p.item_index is null and h.item_index is null
            when 'sold' then p.item_index is not null
            else true
          end
    order by i.item_index
    limit p_limit
$$;
