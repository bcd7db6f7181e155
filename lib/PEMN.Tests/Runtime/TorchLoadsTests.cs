using static TorchSharp.torch;

namespace PEMN.Tests.Runtime;

public class TorchLoadsTests
{
    [Fact]
    public void NativeLibraryLoadsAndOneTrainingStepLowersTheLoss()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var model = nn.Linear(4, 1);
        var x = randn(32, 4);
        var y = x.sum(1, keepdim: true);
        var optimizer = optim.SGD(model.parameters(), 0.1);
        var before = nn.functional.mse_loss(model.forward(x), y);
        optimizer.zero_grad();
        before.backward();
        optimizer.step();
        var after = nn.functional.mse_loss(model.forward(x), y);
        Assert.True(after.item<float>() < before.item<float>(), $"loss {before.item<float>()} -> {after.item<float>()}");
    }
}
