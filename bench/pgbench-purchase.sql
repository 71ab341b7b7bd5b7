-- One purchase per transaction, committed durably, through FlashSale's own purchase_batch.
select * from purchase_batch(array['pgbench-' || nextval('pgbench_next_code')], '2100-01-01T01:00:00Z');
