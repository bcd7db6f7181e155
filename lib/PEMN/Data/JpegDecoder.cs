using SkiaSharp;

namespace PEMN.Data;

/// <summary>Decodes JPEG (or any format Skia reads) into RGB channel planes, [3, H, W] uint8.</summary>
public static class JpegDecoder
{
    /// <summary>RGB planes of the image in <paramref name="path"/>; grayscale images are replicated to three planes.</summary>
    public static (byte[] Planes, int Height, int Width) DecodeRgb(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (IOException e) { throw new DataSetException($"{path}: cannot read it ({e.Message}).", e); }
        using var codec = SKCodec.Create(new SKMemoryStream(bytes))
            ?? throw new DataSetException($"{path}: not a readable image; expected a JPEG file.");
        using var decoded = SKBitmap.Decode(codec)
            ?? throw new DataSetException($"{path}: cannot decode it; expected a complete JPEG file.");
        using var rgba = decoded.ColorType == SKColorType.Rgba8888 ? null : decoded.Copy(SKColorType.Rgba8888);
        var bitmap = rgba ?? decoded;
        if (bitmap is null) throw new DataSetException($"{path}: cannot convert its pixels ({decoded.ColorType}) to RGB.");
        int height = bitmap.Height, width = bitmap.Width, plane = height * width;
        var pixels = bitmap.GetPixelSpan();
        var planes = new byte[3 * plane];
        const int rgbaBytes = 4;
        for (var i = 0; i < plane; i++)
        {
            planes[i] = pixels[i * rgbaBytes];
            planes[plane + i] = pixels[i * rgbaBytes + 1];
            planes[2 * plane + i] = pixels[i * rgbaBytes + 2];
        }
        return (planes, height, width);
    }

    /// <summary>Writes RGB planes [3, H, W] as a JPEG of the given quality; tests use it to make small files.</summary>
    public static void WriteJpeg(string path, byte[] planes, int height, int width, int quality = 100)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        var plane = height * width;
        var rgba = new byte[4 * plane];
        for (var i = 0; i < plane; i++)
        {
            rgba[4 * i] = planes[i];
            rgba[4 * i + 1] = planes[plane + i];
            rgba[4 * i + 2] = planes[2 * plane + i];
            rgba[4 * i + 3] = byte.MaxValue;
        }
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, quality);
        using var file = File.Create(path);
        data.SaveTo(file);
    }
}
