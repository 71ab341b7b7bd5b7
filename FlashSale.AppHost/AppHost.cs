// FlashSale under Aspire: PostgreSQL, Redis and the monitoring in Docker, the API as a project. Aspire gives the
// API its OTLP settings, so its traces, logs and metrics also reach the Aspire dashboard.
var builder = DistributedApplication.CreateBuilder(args);

var postgres = builder.AddPostgres("postgres").WithDataVolume();
var database = postgres.AddDatabase("flashsale");
var redis = builder.AddRedis("redis");

// One replica: Aspire puts replicas behind one proxied port, so Prometheus could not scrape each of them.
// The proxy listens on the port of the API's launch profile (5180), which prometheus/targets/aspire.json names.
builder.AddProject<Projects.FlashSale_Api>("api")
    .WithReference(database, "flashsale")
    .WithReference(redis, "redis")
    .WaitFor(database)
    .WaitFor(redis)
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health");

var prometheus = builder.AddContainer("prometheus", "prom/prometheus", "v3.5.0")
    .WithBindMount("../prometheus", "/etc/prometheus", isReadOnly: true)
    .WithArgs("--config.file=/etc/prometheus/prometheus.yml")
    .WithHttpEndpoint(targetPort: 9090, name: "http")
    .WithHttpHealthCheck("/-/ready");

builder.AddContainer("grafana", "grafana/grafana", "12.1.1")
    .WithBindMount("../grafana/config/provisioning", "/etc/grafana/provisioning", isReadOnly: true)
    .WithBindMount("../grafana/dashboards", "/var/lib/grafana/dashboards", isReadOnly: true)
    .WithEnvironment("PROMETHEUS_URL", prometheus.GetEndpoint("http"))
    .WithEnvironment("GRAFANA_DASHBOARDS_PATH", "/var/lib/grafana/dashboards")
    .WithEnvironment("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH", "/var/lib/grafana/dashboards/flashsale.json")
    .WithEnvironment("GF_AUTH_ANONYMOUS_ENABLED", "true")
    .WithEnvironment("GF_AUTH_ANONYMOUS_ORG_ROLE", "Viewer")
    .WithHttpEndpoint(targetPort: 3000, name: "http")
    .WithHttpHealthCheck("/api/health");

builder.Build().Run();
