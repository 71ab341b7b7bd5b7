-- The pgbench ceiling's data, in a database of its own with FlashSale's schema: a sale far in the future (so it
-- never overlaps a real one) of 200,000 items, each with the granted checkout attempt a purchase redeems, ten per
-- user as FlashSale's limit allows. pgbench-purchase.sql then redeems them one per durable transaction.
insert into sales (starts_at, ends_at, total_items, max_items_per_user)
values ('2100-01-01T00:00:00Z', '2100-01-02T00:00:00Z', 200000, 10);
insert into items (sale_id, item_index, name, image_url)
select s.id, i, 'Item ' || i, 'https://img.example/' || i
from sales s, generate_series(0, 199999) i
where s.starts_at = '2100-01-01T00:00:00Z';
insert into checkout_attempts (attempted_at, user_id, item_id, sale_id, item_index, outcome, code, expires_at)
select '2100-01-01T00:00:00Z', 'pgbench-' || (i / 10), s.id || '-' || lpad(i::text, 6, '0'), s.id, i, 'ok', 'pgbench-' || i, '2100-01-01T12:00:00Z'
from sales s, generate_series(0, 199999) i
where s.starts_at = '2100-01-01T00:00:00Z';
create sequence pgbench_next_code minvalue 0 start 0;
analyze;
