using FlashSale.Tests.Aspire;
using Xunit.Abstractions;

[assembly: TestCollectionOrderer("FlashSale.Tests.Infrastructure.LongestCollectionsFirst", "FlashSale.Tests")]

namespace FlashSale.Tests.Infrastructure;

// Two collections run at a time. The two that take minutes (the shared servers' and the shared AppHost's) start
// first, side by side, and the classes of a few seconds each fill in beside whichever ends first; the other way round
// the second long collection waits for the short ones, and the suite ends one long collection's tail later.
public sealed class LongestCollectionsFirst : ITestCollectionOrderer
{
    private static readonly string[] Longest = [ServersCollection.Name, AspireStack.Collection];

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(collection => Array.IndexOf(Longest, collection.DisplayName) is var index and >= 0 ? index : Longest.Length);
}
