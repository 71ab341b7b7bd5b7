using Microsoft.Extensions.DependencyInjection;
using FlashSale.AppHost;
using FlashSale.AppHost.Api;
using FlashSale.AppHost.Monitoring;
using FlashSale.AppHost.Storage;

var builder = DistributedApplication.CreateBuilder(args);
try
{
    var stack = StackSettings.Read(builder.Configuration, builder.AppHostDirectory);
    var replicaSettings = ReplicaSettings.Read(builder.Configuration, AdminKey.Given(builder.Configuration));
    var data = DataFolder.Take(builder, stack);
    var adminKey = AdminKey.Resolve(builder.Configuration, data.Path);
    var notes = new StackNotes();
    var storage = stack.Substrate == Substrate.Containers ? builder.AddContainerStorage() : builder.AddLocalStorage(data);
    var api = builder.AddApiReplicas(storage, stack, replicaSettings, adminKey);
    builder.AddMonitoring(api, storage, stack, data, notes);
    builder.Services.AddSingleton(stack).AddSingleton(api).AddSingleton(notes).AddSingleton(adminKey).AddHostedService<StackReport>();
}
catch (StackException e)
{
    Console.Error.WriteLine($"FlashSale.AppHost: {e.Message}");
    return 2;
}

builder.Build().Run();
return 0;
