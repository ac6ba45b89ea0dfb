namespace System.Runtime;

/// <summary>
/// Exports a static method from the NativeAOT library under the C name <paramref name="entry"/>, called with the C
/// calling convention and without a GC transition.
/// </summary>
/// <remarks>
/// NativeAOT's own runtime marks its helpers with an attribute of this name (internal to System.Private.CoreLib), and
/// its compiler recognises the attribute by namespace and name in any assembly; this declaration gives this assembly
/// one. A method so exported runs as managed code while the runtime takes its thread to be in native code: it must
/// never touch managed memory, allocate, throw, run a class constructor, or call anything that changes the thread's
/// GC mode (a P/Invoke). FastExports.cs says why its methods keep to that. The preload tests fail if the compiler stops
/// honouring the attribute (the front's fast calls then find no symbol, and the library does not link).
/// </remarks>
/// <param name="entry">The C symbol.</param>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class RuntimeExportAttribute(string entry) : Attribute
{
    /// <summary>The C symbol.</summary>
    public string Entry { get; } = entry;
}
