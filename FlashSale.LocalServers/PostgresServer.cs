using Npgsql;

namespace FlashSale.LocalServers;

/// <summary>
/// A PostgreSQL server run from the installed binaries on 127.0.0.1 with trust authentication for the postgres
/// superuser. As root it runs as the postgres OS user (see <see cref="PostgresOsUser"/>).
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string SuperUser = "postgres";
    private const string SocketFileName = ".s.PGSQL.65535";
    private const int UnixSocketPathLimit = 107;

    private readonly ChildProcess _postmaster;

    private PostgresServer(ChildProcess postmaster, string dataDirectory, int port)
    {
        _postmaster = postmaster;
        DataDirectory = dataDirectory;
        Port = port;
    }

    public int Port { get; }

    public string DataDirectory { get; }

    public bool IsRunning => !_postmaster.HasExited;

    /// <summary>The postgres superuser on the postgres database.</summary>
    public string ConnectionString => ConnectionStringFor("postgres");

    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = SuperUser, Database = database }.ConnectionString;

    /// <summary>Initializes the cluster if needed, starts PostgreSQL and waits until it accepts connections.</summary>
    public static async Task<PostgresServer> StartAsync(PostgresServerOptions options, CancellationToken cancellationToken)
    {
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        var logFile = options.LogFile is null ? null : Path.GetFullPath(options.LogFile);
        var binary = Binaries.Postgres();
        await PostgresCluster.EnsureInitializedAsync(dataDirectory, logFile, cancellationToken);
        return await ServerPort.StartOnAsync(options.Port, "PostgreSQL", async port =>
        {
            var postgres = new ChildProcessStart("PostgreSQL", binary, ServerArguments(dataDirectory, port, options.Durable))
            {
                LogFile = logFile,
                StopSignal = UnixSignal.Interrupt,
            };
            var readiness = new ReadinessProbe(
                $"accepted connections on 127.0.0.1:{port}", (_, attemptToken) => ServesAsync(port, dataDirectory, attemptToken));
            var postmaster = await ChildProcess.StartAsync(PostgresOsUser.RunAsPostgresIfRoot(postgres), readiness, cancellationToken);
            return new PostgresServer(postmaster, dataDirectory, port);
        });
    }

    /// <summary>Creates the database unless it exists already (safe to call concurrently).</summary>
    public async Task CreateDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString(Port));
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", connection)
        {
            Parameters = { new NpgsqlParameter { Value = name } },
        };
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return;
        }

        await using var create = new NpgsqlCommand($"create database {QuoteIdentifier(name)}", connection);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Created concurrently by another caller.
        }
    }

    /// <summary>Fast shutdown (SIGINT: sessions are ended, then a checkpoint); SIGKILL if it takes longer than 15 s.</summary>
    public Task StopAsync(CancellationToken cancellationToken) =>
        _postmaster.StopAsync(UnixSignal.Interrupt, ServerTimeouts.Stop, cancellationToken);

    /// <summary>SIGKILLs the postmaster and its backends, like a crash; the next start of the same directory recovers from the WAL.</summary>
    public Task KillAsync() => _postmaster.KillAsync();

    public ValueTask DisposeAsync() => _postmaster.DisposeAsync();

    private static List<string> ServerArguments(string dataDirectory, int port, bool durable)
    {
        // Unix socket paths are limited to 107 bytes: a deep data directory gets TCP only.
        var socketDirectory = dataDirectory.Length + 1 + SocketFileName.Length <= UnixSocketPathLimit ? dataDirectory : "";
        List<string> arguments =
        [
            "-D", dataDirectory,
            "-p", port.ToString(),
            "-k", socketDirectory,
            "-c", "listen_addresses=127.0.0.1",
            "-c", "max_connections=300",
        ];
        if (!durable)
        {
            arguments.AddRange(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        }

        return arguments;
    }

    // No pooling: these few connections must not linger as idle sessions.
    private static string AdminConnectionString(int port) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = SuperUser,
            Database = "postgres",
            Pooling = false,
        }.ConnectionString;

    // Connects and checks that the server answering is ours, not another cluster already on the port.
    private static async Task<bool> ServesAsync(int port, string dataDirectory, CancellationToken cancellationToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(AdminConnectionString(port)) { Timeout = 2 }.ConnectionString;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("show data_directory", connection);
        var served = (string?)await command.ExecuteScalarAsync(cancellationToken);
        return served == dataDirectory
            ? true
            : throw new InvalidOperationException($"another PostgreSQL (data directory {served}) answers on port {port}");
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";
}
