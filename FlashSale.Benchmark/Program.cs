using System.CommandLine;
using FlashSale.Benchmark;

// FlashSale's load tool: runs a scenario against one or more replicas, prints a table per endpoint, audits the
// sale in PostgreSQL (exit code 1 when the audit fails), and with `report` turns a benchmark's results into
// docs/benchmarks.md with its charts. `--help` lists the options.

// A load generator is an event loop: each answer is handled on the socket's own epoll thread rather than handed to a
// thread-pool worker, so the tool spends its CPU on requests rather than on switching threads (docs/benchmarks-notes.md).
// Read by the runtime when the first socket is made, so it is set before anything else runs.
Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");

return await Commands.Build().Parse(args).InvokeAsync();
