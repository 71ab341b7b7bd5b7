using System.CommandLine;
using FlashSale.Benchmark;

// FlashSale's load tool: runs a scenario against one or more replicas, prints a table per endpoint, audits the
// sale in PostgreSQL (exit code 1 when the audit fails), and with `report` turns a benchmark's results into
// docs/benchmarks.md with its charts. `--help` lists the options.
return await Commands.Build().Parse(args).InvokeAsync();
