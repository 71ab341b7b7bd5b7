using System.CommandLine;
using FlashSale.Benchmark.Load;
using FlashSale.Benchmark.Reports;
using FlashSale.Benchmark.Scenarios;
using Spectre.Console;

namespace FlashSale.Benchmark;

public static class Commands
{
    public static RootCommand Build()
    {
        var scenario = new Option<Scenario>("--scenario", "-s")
        {
            Description = "rush (shoppers buy until the stock is gone), checkout (checkouts only), purchase (codes first, then purchases only), mixed (buyers and browsers with think times), alive (GET /alive, the ceiling)",
            DefaultValueFactory = _ => Scenario.Rush,
        };
        var urls = new Option<string[]>("--url", "-u")
        {
            Description = "a replica's base URL; repeat for several replicas (the load is spread over them)",
            DefaultValueFactory = _ => ["http://127.0.0.1:8080"],
            AllowMultipleArgumentsPerToken = true,
        };
        var shoppers = new Option<int>("--shoppers") { Description = "shoppers of rush and mixed", DefaultValueFactory = _ => 2000 };
        var connections = new Option<int>("--connections", "-c") { Description = "HTTP connections in all, split between the URLs", DefaultValueFactory = _ => 64 };
        var duration = new Option<double>("--duration", "-d") { Description = "seconds of the measured phase (a rush's time limit)", DefaultValueFactory = _ => 20 };
        var items = new Option<int>("--items") { Description = "items in the sale the run opens", DefaultValueFactory = _ => 10_000 };
        var mix = new Option<string>("--mix") { Description = "shares of the mixed scenario's profiles", DefaultValueFactory = _ => ProfileMix.Default.ToString() };
        var seed = new Option<int>("--seed") { Description = "random seed of the shoppers' choices", DefaultValueFactory = _ => 1 };
        var report = new Option<string?>("--report") { Description = "write the run's report as JSON to this file" };
        var adminKey = new Option<string?>("--admin-key")
        {
            Description = "X-Api-Key to open a sale for the run (default: $FlashSale__AdminApiKey); without it the running sale is used",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("FlashSale__AdminApiKey") is { Length: > 0 } key ? key : null,
        };
        var database = new Option<string?>("--database") { Description = "PostgreSQL connection string for the audit (skipped without it)" };
        var apiPids = new Option<int[]>("--api-pid") { Description = "API process(es) whose CPU time and memory to measure", AllowMultipleArgumentsPerToken = true };
        var postgresPid = new Option<int?>("--postgres-pid") { Description = "the postmaster's pid, to measure PostgreSQL's CPU time" };
        var redisPid = new Option<int?>("--redis-pid") { Description = "redis-server's pid, to measure Redis's CPU time" };
        var noLive = new Option<bool>("--no-live") { Description = "no live view (it is off anyway when the output is not a terminal)" };
        var rate = new Option<double?>("--rate")
        {
            Description = "checkout only: start this many checkouts per second on a fixed schedule, whatever the answers' pace (open loop)",
        };
        var sampleSeconds = new Option<double>("--sample-seconds")
        {
            Description = "seconds between samples of the measured phase (each --api-pid's memory, requests, errors, p99), in the report",
            DefaultValueFactory = _ => 10,
        };
        var wrk = new Option<string?>("--wrk")
        {
            Description = "rush, checkout or alive: drive the scenario with wrk running this Lua script (bench/crowd.lua), one wrk per URL, instead of the tool's own clients",
        };
        var label = new Option<string>("--label") { Description = "name of the run in its report", DefaultValueFactory = _ => "" };

        var root = new RootCommand("FlashSale's load tool and audit")
        {
            scenario, urls, shoppers, connections, duration, items, mix, seed, report, adminKey, database, apiPids, postgresPid, redisPid, noLive, rate, sampleSeconds, label, wrk,
        };
        root.SetAction(async (parse, cancellationToken) =>
        {
            ProfileMix profileMix;
            try
            {
                profileMix = ProfileMix.Parse(parse.GetValue(mix)!);
            }
            catch (FormatException exception)
            {
                Console.Error.WriteLine($"--mix: {exception.Message}");
                return 2;
            }

            if (parse.GetValue(wrk) is { } script && (!WrkScenario.Drives(parse.GetValue(scenario)) || parse.GetValue(rate) is not null || !File.Exists(script)))
            {
                Console.Error.WriteLine($"--wrk: a Lua script that exists ('{script}'), with --scenario rush, checkout or alive and no --rate");
                return 2;
            }

            if (parse.GetValue(rate) is { } perSecond && (perSecond <= 0 || parse.GetValue(scenario) != Scenario.Checkout))
            {
                Console.Error.WriteLine("--rate: a positive number of checkouts per second, with --scenario checkout");
                return 2;
            }

            var targets = new List<Uri>();
            foreach (var url in parse.GetValue(urls)!)
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                {
                    Console.Error.WriteLine($"--url: '{url}' is not an http(s) URL");
                    return 2;
                }

                targets.Add(uri);
            }

            var options = new LoadOptions
            {
                Scenario = parse.GetValue(scenario),
                Urls = targets,
                Shoppers = Math.Max(1, parse.GetValue(shoppers)),
                Connections = Math.Max(1, parse.GetValue(connections)),
                Duration = TimeSpan.FromSeconds(parse.GetValue(duration)),
                SaleSize = parse.GetValue(items),
                Mix = profileMix,
                Seed = parse.GetValue(seed),
                ReportPath = parse.GetValue(report),
                AdminKey = parse.GetValue(adminKey),
                Database = parse.GetValue(database),
                ApiPids = parse.GetValue(apiPids) ?? [],
                PostgresPid = parse.GetValue(postgresPid),
                RedisPid = parse.GetValue(redisPid),
                Live = !parse.GetValue(noLive),
                Rate = parse.GetValue(rate),
                SampleEvery = TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(sampleSeconds))),
                Label = parse.GetValue(label)!,
                WrkScript = parse.GetValue(wrk),
            };
            return await RunLoadAsync(options, cancellationToken);
        });

        root.Add(ReportCommand.Build());
        root.Add(Window.WindowCommand.Build());
        return root;
    }

    private static async Task<int> RunLoadAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Console;
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 200;
        }

        var targets = LoadTarget.ForUrls(options.Urls, options.Connections);
        try
        {
            var result = await LoadRunner.RunAsync(options, targets, console, cancellationToken);
            ConsoleView.PrintResult(console, result);
            if (options.ReportPath is { } path)
            {
                await result.WriteAsync(path, cancellationToken);
            }

            return result.Failed ? 1 : 0;
        }
        catch (Exception exception) when (exception is InvalidOperationException or HttpRequestException or Npgsql.NpgsqlException)
        {
            Console.Error.WriteLine($"The run failed: {exception.Message}");
            return 2;
        }
        finally
        {
            foreach (var target in targets)
            {
                target.Dispose();
            }
        }
    }
}
