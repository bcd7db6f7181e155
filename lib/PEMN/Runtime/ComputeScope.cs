using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace PEMN.Runtime;

/// <summary>The floating-point precision of a network's convolutions and matrix products.</summary>
public enum Precision
{
    /// <summary>float32 throughout (every committed figure).</summary>
    [Name("fp32")]
    Fp32,
    /// <summary>
    /// Mixed precision: convolutions and matrix products in bfloat16 under libtorch's autocast, as PyTorch's
    /// <c>torch.autocast(device, dtype=torch.bfloat16)</c>; parameters, scores, optimiser state, norm statistics, the
    /// masks' top-k and the loss stay float32.
    /// </summary>
    [Name("bf16")]
    Bf16,
}

/// <summary>How the activations of 2-D convolutions are laid out in memory during training.</summary>
public enum MemoryFormat
{
    /// <summary>
    /// NHWC (PyTorch's channels_last): oneDNN's fast layout on CPUs; the ConvMixer's depthwise convolutions train about
    /// 3x faster in it. Only the order of floating-point sums differs from <see cref="Contiguous"/>.
    /// </summary>
    [Name("channels_last", Aliases = ["nhwc"])]
    ChannelsLast,
    /// <summary>NCHW, libtorch's default layout: what every run before the channels-last default trained in.</summary>
    [Name("contiguous", Aliases = ["nchw", "contiguous_format"])]
    Contiguous,
}

/// <summary>
/// How the tensors of a forward pass compute on this thread until disposed: the precision of convolutions and matrix
/// products (libtorch's autocast, itself a thread-local mode) and the memory format of convolutions (read by the
/// library's conv layers through <see cref="ForConvolution"/>). The trainer opens one around every forward pass and loss;
/// the backward pass runs outside, in the types autograd recorded, as PyTorch's autocast documentation asks.
/// Scopes nest; the inner one rules until it ends.
/// </summary>
public sealed class ComputeScope : IDisposable
{
    [ThreadStatic] private static MemoryFormat? current;

    private readonly MemoryFormat? previousFormat;
    private readonly Autocast.State? previousAutocast;
    private bool disposed;

    private ComputeScope(Precision precision, MemoryFormat format, Device device)
    {
        if (!Enum.IsDefined(precision)) throw ConfigError.Enum("training.precision", precision);
        if (!Enum.IsDefined(format)) throw ConfigError.Enum("training.memory_format", format);
        previousFormat = current;
        current = format;
        if (precision == Precision.Bf16) previousAutocast = Autocast.Enter(device.type, ScalarType.BFloat16);
    }

    /// <summary>Computes in <paramref name="precision"/> and <paramref name="format"/> on <paramref name="device"/> until disposed.</summary>
    /// <exception cref="PlatformNotSupportedException">bf16 where libtorch's autocast entry points cannot be found.</exception>
    public static ComputeScope Begin(Precision precision, MemoryFormat format, Device device) => new(precision, format, device);

    /// <summary>The memory format of this thread's innermost scope; outside any scope, libtorch's default (<see cref="MemoryFormat.Contiguous"/>).</summary>
    public static MemoryFormat CurrentFormat => current ?? MemoryFormat.Contiguous;

    /// <summary>
    /// A convolution weight [out, in, kh, kw] in the current memory format: under channels-last a channels-last copy
    /// (differentiable; libtorch then computes the convolution and its gradients in NHWC, and its output is channels-last,
    /// so the following elementwise and norm layers are too), else the weight itself. Weights are small: converting
    /// them rather than the activations costs nothing measurable, and it also works for a one-channel input, whose
    /// layout alone cannot say NHWC.
    /// </summary>
    public static Tensor ForConvolution(Tensor weight)
    {
        if (CurrentFormat != MemoryFormat.ChannelsLast || weight.dim() != 4) return weight;
        var (o, i, h, w) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3]);
        long[] strides = [h * w * i, 1, w * i, i];
        if (weight.stride().SequenceEqual(strides)) return weight;
        return empty_strided(weight.shape, strides, weight.dtype, weight.device).copy_(weight);
    }

    /// <summary>
    /// A warning when <paramref name="precision"/> will be slow on <paramref name="device"/>: bf16 on a CPU without native
    /// bfloat16 instructions (AVX512-BF16 or AMX), where libtorch emulates it; else null.
    /// </summary>
    public static string? SlowPrecisionWarning(Precision precision, Device device) =>
        precision == Precision.Bf16 && device.type == TorchSharp.DeviceType.CPU && !Machine.Identity().HasNativeBf16
            ? "training.precision = bf16 on a CPU without native bfloat16 (no avx512_bf16 or amx_bf16 in /proc/cpuinfo): libtorch emulates it, slower than fp32."
            : null;

    /// <summary>Ends the scope: the enclosing scope's (or no) precision and memory format apply again.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        if (previousAutocast is { } state) Autocast.Exit(state);
        current = previousFormat;
    }

    /// <summary>
    /// libtorch's autocast, which TorchSharp does not expose: its C++ entry points (at::autocast::set_autocast_enabled,
    /// set_autocast_dtype, increment/decrement_nesting, clear_cache) called by their Itanium-ABI names in the loaded
    /// libtorch_cpu (all take enums of one byte and bools: no C++ object crosses). The same calls serve CUDA's autocast.
    /// </summary>
    private static unsafe class Autocast
    {
        internal readonly record struct State(sbyte Device, bool WasEnabled, sbyte PreviousDtype);

        private static readonly Lazy<Entry> Entries = new(Load);

        private sealed class Entry
        {
            public delegate* unmanaged<sbyte, byte> IsEnabled;
            public delegate* unmanaged<sbyte, byte, void> SetEnabled;
            public delegate* unmanaged<sbyte, sbyte> GetDtype;
            public delegate* unmanaged<sbyte, sbyte, void> SetDtype;
            public delegate* unmanaged<void> IncrementNesting;
            public delegate* unmanaged<long> DecrementNesting;
            public delegate* unmanaged<void> ClearCache;
        }

        public static State Enter(TorchSharp.DeviceType device, ScalarType dtype)
        {
            var e = Entries.Value;
            var d = (sbyte)device;
            var state = new State(d, e.IsEnabled(d) != 0, e.GetDtype(d));
            e.SetEnabled(d, 1);
            e.SetDtype(d, (sbyte)dtype);
            e.IncrementNesting();
            return state;
        }

        public static void Exit(State state)
        {
            var e = Entries.Value;
            // As torch.autocast.__exit__: the cast copies of weights cached during the pass are dropped when the
            // outermost scope ends (the optimiser changes the weights before the next pass).
            if (e.DecrementNesting() == 0) e.ClearCache();
            e.SetEnabled(state.Device, (byte)(state.WasEnabled ? 1 : 0));
            e.SetDtype(state.Device, state.PreviousDtype);
        }

        private static Entry Load()
        {
            _ = get_num_threads(); // TorchSharp loads libtorch on first use
            var library = LoadedLibrary("libtorch_cpu");
            nint Export(string name) => NativeLibrary.TryGetExport(library, name, out var address) ? address
                : throw new PlatformNotSupportedException($"training.precision = bf16 needs libtorch's autocast; {name} is not exported by the loaded libtorch_cpu (this build supports it on Linux with libtorch 2.x).");
            return new Entry
            {
                IsEnabled = (delegate* unmanaged<sbyte, byte>)Export("_ZN2at8autocast19is_autocast_enabledEN3c1010DeviceTypeE"),
                SetEnabled = (delegate* unmanaged<sbyte, byte, void>)Export("_ZN2at8autocast20set_autocast_enabledEN3c1010DeviceTypeEb"),
                GetDtype = (delegate* unmanaged<sbyte, sbyte>)Export("_ZN2at8autocast18get_autocast_dtypeEN3c1010DeviceTypeE"),
                SetDtype = (delegate* unmanaged<sbyte, sbyte, void>)Export("_ZN2at8autocast18set_autocast_dtypeEN3c1010DeviceTypeENS1_10ScalarTypeE"),
                IncrementNesting = (delegate* unmanaged<void>)Export("_ZN2at8autocast17increment_nestingEv"),
                DecrementNesting = (delegate* unmanaged<long>)Export("_ZN2at8autocast17decrement_nestingEv"),
                ClearCache = (delegate* unmanaged<void>)Export("_ZN2at8autocast11clear_cacheEv"),
            };
        }

        /// <summary>The handle of an already loaded native library: by its path in /proc/self/maps on Linux, else by name.</summary>
        private static nint LoadedLibrary(string name)
        {
            const string maps = "/proc/self/maps";
            if (File.Exists(maps))
            {
                var path = File.ReadLines(maps)
                    .Select(l => l.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
                    .Where(p => p.Length == 6)
                    .Select(p => p[5].Trim())
                    .FirstOrDefault(p => Path.GetFileName(p) == name + ".so");
                if (path is not null) return NativeLibrary.Load(path);
            }
            return NativeLibrary.TryLoad(name, out var handle) ? handle
                : throw new PlatformNotSupportedException($"training.precision = bf16 needs libtorch's autocast; {name} is not loaded in this process.");
        }
    }
}
