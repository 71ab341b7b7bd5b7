using System.Text.Json.Nodes;
using FlashSale.Api.Checkout;
using FlashSale.Api.Extensions;
using FlashSale.Api.Problems;
using FlashSale.Api.Sales;
using FlashSale.Api.Validation;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace FlashSale.Api.Contract;

// The OpenAPI document as the contract a client is built from: every route's problems from RouteProblems
// (each status, a problem-details schema per route with the enumeration of its codes), parameters as the
// validation in Parameters accepts them, the X-Api-Key scheme on the routes that ask for it, the replica header
// on every answer, one timestamp shape. OpenAPI 3.0, which every client generator reads.
public static class OpenApiContract
{
    public const string ApiKeyScheme = "ApiKey";
    public const string ProblemMediaType = "application/problem+json";

    public static IServiceCollection AddOpenApiContract(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_0;
            options.AddDocumentTransformer(DescribeDocumentAsync);
            options.AddOperationTransformer(DescribeOperationAsync);
            options.AddSchemaTransformer(DescribeSchemaAsync);
        });

    public static string ProblemSchemaOf(string route) => route + "Problem";

    private static Task DescribeDocumentAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        // No servers: the API is where the document was fetched from (a replica, or the gateway in front of them).
        document.Servers = null;
        document.Info.Title = "FlashSale API";
        document.Info.Description =
            "Hourly flash sales: check out an item for a user (a hold with a code), then buy it with the code. " +
            "JSON in snake_case; timestamps in UTC with milliseconds. Every refusal is application/problem+json " +
            "with a stable `code`, and `parameter` naming a bad parameter.";
        var components = document.Components ??= new OpenApiComponents();
        components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = AdminApi.ApiKeyHeader,
            Description = "The admin API key (FlashSale:AdminApiKey).",
        };
        components.Headers ??= new Dictionary<string, IOpenApiHeader>();
        components.Headers[FlashSaleExtensions.ReplicaHeader] = new OpenApiHeader
        {
            Description = "The API replica that served the request.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        };
        return Task.CompletedTask;
    }

    private static Task DescribeOperationAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document!;
        var problems = context.Description.ActionDescriptor.EndpointMetadata.OfType<RouteProblemsMetadata>().LastOrDefault();
        if (problems is not null)
        {
            DescribeProblems(operation, document, problems);
        }

        // An optional body is described as "null or the request"; it is the request, sent or not.
        if (operation.RequestBody is OpenApiRequestBody body)
        {
            foreach (var media in body.Content?.Values ?? [])
            {
                if (media.Schema is OpenApiSchema { OneOf: [_, OpenApiSchemaReference request] })
                {
                    media.Schema = request;
                }
            }
        }

        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            ParameterContract.Describe(operation.OperationId!, parameter);
        }

        operation.Responses ??= [];
        foreach (var response in operation.Responses.Values.OfType<OpenApiResponse>())
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers[FlashSaleExtensions.ReplicaHeader] = new OpenApiHeaderReference(FlashSaleExtensions.ReplicaHeader, document);
        }

        return Task.CompletedTask;
    }

    private static void DescribeProblems(OpenApiOperation operation, OpenApiDocument document, RouteProblemsMetadata problems)
    {
        var schemaName = ProblemSchemaOf(problems.Route);
        document.Components!.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[schemaName] = ProblemSchema(problems.Route, problems.Answers.SelectMany(a => a.Codes).Distinct());

        operation.Responses ??= [];
        foreach (var answer in problems.Answers)
        {
            operation.Responses[answer.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new OpenApiResponse
            {
                Description = $"{ReasonPhrases.GetReasonPhrase(answer.Status)}: {string.Join(", ", answer.Codes)}",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [ProblemMediaType] = new() { Schema = new OpenApiSchemaReference(schemaName, document) },
                },
            };
        }

        // Only the admin key refuses with 401: a route that can is one that needs it.
        if (problems.Answers.Any(a => a.Status == StatusCodes.Status401Unauthorized))
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] }];
        }
    }

    private static OpenApiSchema ProblemSchema(string route, IEnumerable<string> codes) => new()
    {
        Type = JsonSchemaType.Object,
        Description = $"A refusal of {route} (RFC 9457 problem details) with its stable code.",
        Required = new HashSet<string> { "type", "title", "status", "code" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A URI naming the kind of problem." },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A short summary of the problem." },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status." },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What happened in this case." },
            ["code"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "The stable, machine-readable reason.",
                Enum = [.. codes.Select(code => (JsonNode)JsonValue.Create(code))],
            },
            ["parameter"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The bad parameter, for invalid_request." },
        },
    };

    // Timestamps are written by UtcTimestampConverter, which the schema exporter cannot see through.
    private static Task DescribeSchemaAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var nullable = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) is not null;
        var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
        if (type.IsEnum)
        {
            schema.Type = nullable ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
        }
        else if (type == typeof(DateTimeOffset))
        {
            schema.Type = nullable ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
            schema.Format = "date-time";
            schema.Example = JsonValue.Create(UtcTimestampConverter.Example);
        }
        else if (context.JsonPropertyInfo?.Name is { } property && type == typeof(string) && ParameterContract.ExampleOf(property) is { } example)
        {
            schema.Example = JsonValue.Create(example);
        }

        return Task.CompletedTask;
    }
}

// Each parameter as the validation in Parameters accepts it: required or not, its pattern, limits and example.
internal static class ParameterContract
{
    public static string? ExampleOf(string name) => name switch
    {
        "item_id" => ItemId.Example,
        "user_id" => "alice",
        "code" => CheckoutCode.Example,
        _ => null,
    };

    public static void Describe(string operationId, OpenApiParameter parameter)
    {
        var (schema, example, description) = (operationId, parameter.In, parameter.Name) switch
        {
            (_, ParameterLocation.Path, "user_id") => (UserId(), "alice", Parameters.UserIdInPath),
            (_, _, "user_id") => (UserId(), "alice", Parameters.UserIdInQuery),
            ("Checkout", _, "id") or ("ListSaleItems", _, "after") => (ItemIdSchema(), ItemId.Example,
                "An item id: its sale id, a dash, its six-digit position."),
            (_, _, "code") => (Text(CheckoutCode.Pattern, CheckoutCode.Length, CheckoutCode.Length), CheckoutCode.Example,
                "The code checkout returned."),
            (_, ParameterLocation.Path, "id") or (_, _, "sale_id") or ("ListSales", _, "after") => (SaleId(), (JsonNode?)42, "A sale id."),
            ("ListSales", _, "limit") => (Limit(SalesApi.MaxSalesPageSize, SalesApi.DefaultSalesPageSize), null, "Page size."),
            (_, _, "limit") => (Limit(SalesApi.MaxPageSize, SalesApi.DefaultPageSize), null, "Page size."),
            (_, _, "status") => (Status(), null, "Which items: available (neither sold nor held by an unexpired checkout), sold, or all."),
            _ => throw new InvalidOperationException($"Parameter {parameter.Name} of {operationId} has no contract"),
        };

        parameter.Schema = schema;
        parameter.Example = example;
        parameter.Description = description;
        parameter.Required = parameter.In == ParameterLocation.Path || parameter.Name is "user_id" or "id" or "code";
        if (parameter.Name == "after")
        {
            parameter.Description += " Pass the previous page's `next`.";
        }
    }

    private static OpenApiSchema UserId() => Text(Parameters.UserIdPattern, 1, Parameters.MaxUserIdLength);

    private static OpenApiSchema ItemIdSchema() => Text(ItemId.Pattern, 1 + 1 + ItemId.IndexDigits, ItemId.MaxLength);

    private static OpenApiSchema Text(string pattern, int minLength, int maxLength) =>
        new() { Type = JsonSchemaType.String, Pattern = pattern, MinLength = minLength, MaxLength = maxLength };

    private static OpenApiSchema SaleId() => new() { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "1" };

    private static OpenApiSchema Limit(int max, int defaultValue) => new()
    {
        Type = JsonSchemaType.Integer,
        Format = "int32",
        Minimum = "1",
        Maximum = max.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Default = JsonValue.Create(defaultValue),
    };

    private static OpenApiSchema Status() => new()
    {
        Type = JsonSchemaType.String,
        Enum = [JsonValue.Create("available"), JsonValue.Create("sold"), JsonValue.Create("all")],
        Default = JsonValue.Create("all"),
    };
}
