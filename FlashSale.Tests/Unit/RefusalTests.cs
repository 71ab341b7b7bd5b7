using FlashSale.Api.Problems;

namespace FlashSale.Tests.Unit;

// Services say no with a Refusal (a code, no HTTP); each route answers it with the status its contract declares.
public sealed class RefusalTests
{
    public static TheoryData<string, int, string> DeclaredAnswers()
    {
        var answers = new TheoryData<string, int, string>();
        foreach (var route in RouteProblems.Routes)
        {
            foreach (var answer in RouteProblems.For(route))
            {
                foreach (var code in answer.Codes)
                {
                    answers.Add(route, answer.Status, code);
                }
            }
        }

        return answers;
    }

    [Theory]
    [MemberData(nameof(DeclaredAnswers))]
    public void EachCodeIsAnsweredWithTheStatusEveryRouteDeclaresForIt(string route, int status, string code)
    {
        var answer = Problem.For(new Refusal(code, $"refused on {route}"));
        Assert.Equal(status, answer.StatusCode);
        Assert.Equal(code, answer.ProblemDetails.Extensions["code"]);
    }

    [Fact]
    public void AnInvalidRequestNamesItsParameter()
    {
        var answer = Problem.For(Refusal.InvalidRequest("user_id", "user_id is required"));
        Assert.Equal(400, answer.StatusCode);
        Assert.Equal("user_id", answer.ProblemDetails.Extensions["parameter"]);
        Assert.Equal("user_id is required", answer.ProblemDetails.Detail);
    }
}
