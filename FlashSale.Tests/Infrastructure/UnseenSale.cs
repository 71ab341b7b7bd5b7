using FlashSale.Tests.Scenarios;

namespace FlashSale.Tests.Infrastructure;

// A sale in its first rush, before PostgreSQL's statistics have seen it. The statistics are taken while an older
// sale is the only one, so every sale id they know is a most-common value and the planner estimates a new sale at
// one row; autovacuum is kept from taking them again during the test. Then the new sale's first items are held,
// and its first of those bought, in PostgreSQL alone (what Redis holds does not matter here).
public static class UnseenSale
{
    public static Task<SaleDto> SoldOutAsync(TestStack stack, int totalItems) => InRushAsync(stack, totalItems, totalItems, totalItems);

    public static async Task<SaleDto> InRushAsync(TestStack stack, int totalItems, int heldItems, int boughtItems)
    {
        await stack.ExecuteAsync("""
            alter table items set (autovacuum_enabled = off);
            alter table checkout_attempts set (autovacuum_enabled = off);
            alter table purchases set (autovacuum_enabled = off);
            """);
        await stack.ExecuteAsync("""
            with old as (
                insert into sales (starts_at, ends_at, total_items, max_items_per_user)
                values (now() - interval '3 hours', now() - interval '2 hours', 100, 10)
                returning id),
            stock as (
                insert into items (sale_id, item_index, name, image_url)
                select old.id, g, 'old ' || g, 'https://example.com/' || g from old, generate_series(0, 99) g
                returning sale_id, item_index),
            attempts as (
                insert into checkout_attempts (attempted_at, user_id, item_id, sale_id, item_index, outcome, code, expires_at)
                select now() - interval '150 minutes', 'old' || item_index, sale_id || '-' || item_index, sale_id, item_index,
                    'ok', 'old-' || item_index, now() - interval '145 minutes'
                from stock
                returning sale_id, item_index, user_id, code, attempted_at)
            insert into purchases (sale_id, item_index, user_id, code, purchased_at)
            select sale_id, item_index, user_id, code, attempted_at from attempts
            """);
        await stack.ExecuteAsync("analyze items, checkout_attempts, purchases");

        var sale = await stack.OpenSaleAsync(totalItems);
        await stack.ExecuteAsync("""
            with attempts as (
                insert into checkout_attempts (attempted_at, user_id, item_id, sale_id, item_index, outcome, code, expires_at)
                select now(), 'shopper' || (g % 2000), $1 || '-' || g, $1, g, 'ok', 'code-' || g, now() + interval '10 minutes'
                from generate_series(0, $2 - 1) g
                returning sale_id, item_index, user_id, code, attempted_at)
            insert into purchases (sale_id, item_index, user_id, code, purchased_at)
            select sale_id, item_index, user_id, code, attempted_at from attempts where item_index < $3
            """, sale.Id, heldItems, boughtItems);
        return sale;
    }
}
