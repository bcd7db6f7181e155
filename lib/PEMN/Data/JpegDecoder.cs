using SkiaSharp;

namespace PEMN.Data;

/// <summary>Decodes JPEG (or any format Skia reads) into RGB channel planes, [3, H, W] uint8.</summary>
public static class JpegDecoder
{
    /// <summary>Bytes of one decoded RGBA pixel.</summary>
    private const int RgbaBytes = 4;

    /// <summary>RGB planes of the image in <paramref name="path"/>; grayscale images are replicated to three planes.</summary>
    public static (byte[] Planes, int Height, int Width) DecodeRgb(string path)
    {
        var bytes = FileBytes.Read(path);
        using var codec = SKCodec.Create(new SKMemoryStream(bytes))
            ?? throw new DataSetException($"{path}: not a readable image; expected a JPEG file.");
        // The header's size, checked before Skia allocates the bitmap: a few hundred bytes can declare 65535 x 65535 pixels.
        var declared = (long)codec.Info.Width * codec.Info.Height;
        if (codec.Info.Width <= 0 || codec.Info.Height <= 0 || declared > DataLimits.MaxImagePixels || declared * RgbaBytes > Array.MaxLength)
            throw new DataSetException($"{path}: the image declares {codec.Info.Width}x{codec.Info.Height} pixels; expected at least 1x1 and at most " +
                $"{DataLimits.MaxImagePixels} pixels ({Runtime.SizeLimits.Advice}).");
        using var decoded = SKBitmap.Decode(codec)
            ?? throw new DataSetException($"{path}: cannot decode it; expected a complete JPEG file.");
        using var rgba = decoded.ColorType == SKColorType.Rgba8888 ? null : decoded.Copy(SKColorType.Rgba8888);
        var bitmap = rgba ?? decoded;
        if (bitmap is null) throw new DataSetException($"{path}: cannot convert its pixels ({decoded.ColorType}) to RGB.");
        int height = bitmap.Height, width = bitmap.Width, plane = height * width;
        var pixels = bitmap.GetPixelSpan();
        var planes = new byte[3 * plane];
        for (var i = 0; i < plane; i++)
        {
            planes[i] = pixels[i * RgbaBytes];
            planes[plane + i] = pixels[i * RgbaBytes + 1];
            planes[2 * plane + i] = pixels[i * RgbaBytes + 2];
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
