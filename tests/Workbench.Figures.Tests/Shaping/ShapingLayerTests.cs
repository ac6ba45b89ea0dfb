using System.Reflection;
using Workbench.Figures.Shaping;

namespace Workbench.Figures.Tests.Shaping;

/// <summary>The data of the charts stands apart from Plotly: nothing in the shaping layer names a Plotly type.</summary>
public sealed class ShapingLayerTests
{
    [Fact]
    public void NoShapingTypeHasAPlotlyTypeInItsSignature()
    {
        Type[] shaping = [.. typeof(ThreadScalingData).Assembly.GetTypes().Where(t => t.Namespace == typeof(ThreadScalingData).Namespace)];
        Assert.Contains(typeof(SpeedRoutinesData), shaping);
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (Type type in shaping)
        {
            IEnumerable<Type> used = type.GetFields(all).Select(f => f.FieldType)
                .Concat(type.GetProperties(all).Select(p => p.PropertyType))
                .Concat(type.GetMethods(all).SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType)));
            foreach (Type t in used.SelectMany(Flatten))
            {
                Assert.False(t.Assembly.GetName().Name!.StartsWith("Plotly", StringComparison.Ordinal), $"{type.Name} uses {t.FullName}");
            }
        }
    }

    /// <summary>A type with its element and generic argument types.</summary>
    private static IEnumerable<Type> Flatten(Type type) =>
        new[] { type }
            .Concat(type.HasElementType ? Flatten(type.GetElementType()!) : [])
            .Concat(type.IsGenericType ? type.GetGenericArguments().SelectMany(Flatten) : []);
}
