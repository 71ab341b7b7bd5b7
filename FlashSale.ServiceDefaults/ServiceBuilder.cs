using Microsoft.AspNetCore.Builder;

namespace Microsoft.Extensions.Hosting;

// Every FlashSale service reads the appsettings.json beside its binary, wherever it is started from. The default
// content root is the working folder: started from another one, the API ran without its settings and logged every
// request at Information, which cost a rush 60 % more API CPU per request (docs/benchmarks-notes.md, item 17).
public static class ServiceBuilder
{
    public static WebApplicationBuilder Create(string[] args) =>
        WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
}
