namespace FlashSale.Benchmark.Load;

public enum Scenario
{
    Rush,
    Checkout,
    Purchase,
    Mixed,
    Alive,
}

// One run of the load tool, as the command line gave it.
public sealed record LoadOptions
{
    public Scenario Scenario { get; init; } = Scenario.Rush;

    public IReadOnlyList<Uri> Urls { get; init; } = [new("http://127.0.0.1:8080")];

    // Shoppers of rush and mixed (the other scenarios run one worker per connection).
    public int Shoppers { get; init; } = 2000;

    public int Connections { get; init; } = 64;

    // The measured phase's length: the time limit of a rush, the length of the others.
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(20);

    public int SaleSize { get; init; } = 10_000;

    public ProfileMix Mix { get; init; } = ProfileMix.Default;

    public int Seed { get; init; } = 1;

    public string? ReportPath { get; init; }

    public string? AdminKey { get; init; }

    // PostgreSQL connection string for the audit; without it the audit is skipped.
    public string? Database { get; init; }

    // Processes whose CPU time and memory are measured over the measured phase (Linux /proc).
    public IReadOnlyList<int> ApiPids { get; init; } = [];

    public int? PostgresPid { get; init; }

    public int? RedisPid { get; init; }

    public bool Live { get; init; } = true;

    // Checkouts per second started on a fixed schedule whatever the answers' pace (open loop); null: as fast as
    // the connections allow.
    public double? Rate { get; init; }

    // How often the measured phase is sampled (each API process's memory, the window's requests, errors, p99).
    public TimeSpan SampleEvery { get; init; } = TimeSpan.FromSeconds(10);

    public string Label { get; init; } = "";

    // Rush, checkout or alive: wrk running this Lua script drives the scenario instead of the tool's own clients (one wrk per URL).
    public string? WrkScript { get; init; }

    // How long the sale stays open: the measured phase plus room for preparing codes and answers in flight, and a
    // twentieth of the phase for what its end is counted from too early (the sale's end is set before its stock is
    // created and the replicas see it, and a long paced run lags by a few seconds): a 20-minute soak of a
    // 700,000-item sale ran into its sale's end with a flat 10 s of room.
    public TimeSpan SaleLength => (Scenario == Scenario.Purchase ? Duration * 2 + TimeSpan.FromSeconds(30) : Duration + TimeSpan.FromSeconds(10)) + Duration / 20;
}

// The shares of the mixed scenario's shoppers: aggressive buyers (no think time, buy until the limit),
// normal buyers (browse, think, buy a few) and browsers (refresh the sale and its items, never buy).
public sealed record ProfileMix(int Aggressive, int Normal, int Browser)
{
    public static readonly ProfileMix Default = new(20, 50, 30);

    // "aggressive=20,normal=50,browser=30" (shares, any total).
    public static ProfileMix Parse(string text)
    {
        int aggressive = 0, normal = 0, browser = 0;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || !int.TryParse(pair[1], System.Globalization.CultureInfo.InvariantCulture, out var share) || share < 0)
            {
                throw new FormatException($"'{part}' is not profile=share");
            }

            switch (pair[0])
            {
                case "aggressive": aggressive = share; break;
                case "normal": normal = share; break;
                case "browser": browser = share; break;
                default: throw new FormatException($"unknown profile '{pair[0]}': use aggressive, normal, browser");
            }
        }

        return aggressive + normal + browser > 0 ? new ProfileMix(aggressive, normal, browser) : throw new FormatException("all shares are 0");
    }

    // The profile of shopper i out of n, spread so that every prefix of shoppers has about the mix's shares.
    public Profile ProfileOf(int shopper)
    {
        var total = Aggressive + Normal + Browser;
        var slot = (int)((long)shopper * 7919 % total);
        return slot < Aggressive ? Profile.Aggressive : slot < Aggressive + Normal ? Profile.Normal : Profile.Browser;
    }

    public override string ToString() => $"aggressive={Aggressive},normal={Normal},browser={Browser}";
}

public enum Profile
{
    Aggressive,
    Normal,
    Browser,
}
