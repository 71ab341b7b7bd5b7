namespace FlashSale.Api.Problems;

// Why the service said no, without HTTP: the stable code (ProblemCodes), a sentence for the person, and the
// parameter at fault when there is one. Each route's *Api.cs turns it into its problem+json (Problem.For).
public sealed record Refusal(string Code, string Detail, string? Parameter = null)
{
    public static Refusal InvalidRequest(string parameter, string detail) => new(ProblemCodes.InvalidRequest, detail, parameter);

    public static Refusal DependencyUnavailable(string detail = Problem.DependencyUnavailableDetail) =>
        new(ProblemCodes.DependencyUnavailable, detail);
}
