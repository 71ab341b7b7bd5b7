-- A sale's held count (SaleRepository.HeldCount: granted attempts of the sale whose hold has not expired, except
-- sold items) runs about once a second on each replica. The hold indexes lead with the item or the user, so it
-- read every granted attempt the sale ever had, a cost that grew all through a sale (a 20-minute paced soak's
-- p99 doubled, 42 → 150 ms; 560 ms per count over 950,000 attempts). This one starts at the first live hold
-- and carries the item, so the count reads only live holds, from the index alone.
create index checkout_attempts_live_holds on checkout_attempts (sale_id, expires_at) include (item_index) where outcome = 'ok';
