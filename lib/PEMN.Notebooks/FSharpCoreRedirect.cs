using System.Reflection;
using System.Runtime.Loader;

namespace PEMN.Notebooks;

/// <summary>
/// Answers requests for FSharp.Core with the copy already loaded. The .NET Interactive kernel ships
/// FSharp.Core 10.0.0.0 while Plotly.NET 6.0.0 and Deedle 8.1.0 ask for 10.1.0.0; without this they
/// fail with FileNotFoundException. FSharp.Core keeps its API compatible within a major version.
/// </summary>
public static class FSharpCoreRedirect
{
    private const string FSharpCore = "FSharp.Core";
    private static readonly Lock Gate = new();
    private static bool installed;

    /// <summary>Installs the handler on the default load context, once per process.</summary>
    public static void Install()
    {
        lock (Gate)
        {
            if (installed) return;
            AssemblyLoadContext.Default.Resolving += Resolve;
            installed = true;
        }
    }

    /// <summary>The loaded FSharp.Core for a request of any FSharp.Core version; null for anything else.</summary>
    public static Assembly? Resolve(AssemblyLoadContext context, AssemblyName name) =>
        string.Equals(name.Name, FSharpCore, StringComparison.Ordinal)
            ? AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => string.Equals(a.GetName().Name, FSharpCore, StringComparison.Ordinal))
            : null;
}
