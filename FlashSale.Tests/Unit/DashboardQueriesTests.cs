using FlashSale.Tests.Aspire;

namespace FlashSale.Tests.Unit;

public sealed class DashboardQueriesTests
{
    [Theory]
    [InlineData("""sum(rate(checkout_success_total{job="flashsale",instance=~".*"}[1m])) or vector(0)""", "checkout_success_total")]
    [InlineData("""histogram_quantile(0.95, sum by (handler, le) (job_instance_handler_le:http_request_duration_seconds_bucket:rate1m{job="x"}))""",
        "job_instance_handler_le:http_request_duration_seconds_bucket:rate1m")]
    [InlineData("""(sum(increase(redis_lock_failure_total{reason="error"}[5m])) / sum(increase(redis_lock_attempts_total[5m]))) or vector(0)""",
        "redis_lock_failure_total redis_lock_attempts_total")]
    [InlineData("""max by (instance) (process_memory_limit_bytes) offset 1m > bool 0""", "process_memory_limit_bytes")]
    public void MetricNamesAreReadFromAQueryAndNothingElse(string query, string names) =>
        Assert.Equal(names.Split(' '), DashboardQueries.MetricNames(query));

    [Fact]
    public void EveryDashboardQueryReadsAtLeastOneMetric() =>
        Assert.All(DashboardQueries.Read(), query => Assert.NotEmpty(DashboardQueries.MetricNames(query)));
}
