namespace FlashSale.Benchmark.Load;

// What the tool saw of the sale it audits, counted over the whole run (the preparation of codes included):
// the audit compares these with the rows PostgreSQL holds.
public sealed class SeenCounters
{
    private long _checkoutAnswers;
    private long _checkoutUnknown;
    private long _checkoutGranted;
    private long _purchasesOk;
    private long _purchasesUnknown;

    // Answers after which the service stores an attempt of the sale (granted or refused); 503, the rate limiter's 429
    // (it refuses before the checkout is tried) and lost requests store nothing for certain, lost ones are counted
    // apart because they may have been stored.
    public long CheckoutAnswers => Interlocked.Read(ref _checkoutAnswers);

    public long CheckoutUnknown => Interlocked.Read(ref _checkoutUnknown);

    public long CheckoutGranted => Interlocked.Read(ref _checkoutGranted);

    public long PurchasesOk => Interlocked.Read(ref _purchasesOk);

    public long PurchasesUnknown => Interlocked.Read(ref _purchasesUnknown);

    public void CheckoutAnswered(bool granted)
    {
        Interlocked.Increment(ref _checkoutAnswers);
        if (granted)
        {
            Interlocked.Increment(ref _checkoutGranted);
        }
    }

    public void CheckoutLost() => Interlocked.Increment(ref _checkoutUnknown);

    public void PurchaseSucceeded() => Interlocked.Increment(ref _purchasesOk);

    public void PurchaseLost() => Interlocked.Increment(ref _purchasesUnknown);

    // What another client (wrk) saw, added whole.
    public void Add(SeenSnapshot seen)
    {
        Interlocked.Add(ref _checkoutAnswers, seen.CheckoutAnswers);
        Interlocked.Add(ref _checkoutUnknown, seen.CheckoutUnknown);
        Interlocked.Add(ref _checkoutGranted, seen.CheckoutGranted);
        Interlocked.Add(ref _purchasesOk, seen.PurchasesOk);
        Interlocked.Add(ref _purchasesUnknown, seen.PurchasesUnknown);
    }

    public SeenSnapshot Snapshot() => new(CheckoutAnswers, CheckoutUnknown, CheckoutGranted, PurchasesOk, PurchasesUnknown);
}

public sealed record SeenSnapshot(long CheckoutAnswers, long CheckoutUnknown, long CheckoutGranted, long PurchasesOk, long PurchasesUnknown);
