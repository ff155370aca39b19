//! The organisation's logo and signature: a PNG or JPEG file made into a
//! small PNG that every certificate can carry (a certificate stays under
//! 60 KB with both), before the core stores it as an asset that sync
//! carries in small pieces.

use image::ImageFormat;

/// Largest size kept, in pixels: a logo printed 30 mm wide and a signature
/// 45 mm wide stay sharp at about 200 dpi.
pub const LOGO_MAX: (u32, u32) = (360, 180);
pub const SIGNATURE_MAX: (u32, u32) = (420, 160);
/// Largest file accepted.
pub const MAX_FILE: usize = 10 << 20;

/// Why an image file is refused (the caller says it in the person's words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageError {
    TooLarge(usize),
    NotAnImage,
}

impl std::fmt::Display for ImageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImageError::TooLarge(n) => write!(f, "{n} bytes (at most {MAX_FILE})"),
            ImageError::NotAnImage => f.write_str("not a PNG or JPEG image"),
        }
    }
}

/// An image file that cannot be used, with its path: a message of the
/// catalogue, in the person's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageFileError {
    pub path: String,
    pub error: Option<ImageError>,
    /// The file could not be read (the OS's words).
    pub io: Option<String>,
}

impl escale_protocol::catalogue::Describe for ImageFileError {
    fn describe(&self) -> escale_protocol::catalogue::Problem {
        use escale_protocol::catalogue::{m, Problem};
        match (&self.io, &self.error) {
            (Some(io), _) => Problem::new(&m::INPUT_INVALID_FILE)
                .arg("path", &self.path)
                .arg("detail", io),
            (None, Some(ImageError::TooLarge(n))) => Problem::new(&m::INPUT_TOO_LONG_IMAGE)
                .arg("path", &self.path)
                .arg("size", format!("{:.1}", *n as f64 / 1e6)),
            _ => Problem::new(&m::INPUT_INVALID_IMAGE).arg("path", &self.path),
        }
    }
}

/// Reads an image file and makes it the PNG to store (see [`prepare`]).
pub fn prepare_file(path: &std::path::Path, max: (u32, u32)) -> Result<Vec<u8>, ImageFileError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| ImageFileError {
        path: shown.clone(),
        error: None,
        io: Some(e.to_string()),
    })?;
    prepare(&bytes, max).map_err(|e| ImageFileError {
        path: shown,
        error: Some(e),
        io: None,
    })
}

/// The PNG to store for `bytes` (a PNG or JPEG file), scaled down to fit
/// `max` (width, height) pixels, keeping its proportions and transparency.
pub fn prepare(bytes: &[u8], max: (u32, u32)) -> Result<Vec<u8>, ImageError> {
    if bytes.len() > MAX_FILE {
        return Err(ImageError::TooLarge(bytes.len()));
    }
    let format = image::guess_format(bytes).map_err(|_| ImageError::NotAnImage)?;
    if !matches!(format, ImageFormat::Png | ImageFormat::Jpeg) {
        return Err(ImageError::NotAnImage);
    }
    let img =
        image::load_from_memory_with_format(bytes, format).map_err(|_| ImageError::NotAnImage)?;
    let img = if img.width() > max.0 || img.height() > max.1 {
        img.resize(max.0, max.1, image::imageops::FilterType::Triangle)
    } else {
        img
    };
    // Grey or RGB, with alpha only when the image has any.
    let img = if img.color().has_alpha() {
        image::DynamicImage::ImageRgba8(img.to_rgba8())
    } else {
        image::DynamicImage::ImageRgb8(img.to_rgb8())
    };
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png)
        .map_err(|_| ImageError::NotAnImage)?;
    Ok(out.into_inner())
}

/// Pixel size of a stored PNG.
pub fn size_of(png: &[u8]) -> Option<(u32, u32)> {
    image::load_from_memory_with_format(png, ImageFormat::Png)
        .ok()
        .map(|i| (i.width(), i.height()))
}

/// An invented logo (a teal badge with a white path through it), for the
/// sample certificate, tests and benchmarks: no real organisation's mark.
pub fn sample_logo() -> Vec<u8> {
    let (w, h) = (360u32, 180u32);
    let img = image::RgbaImage::from_fn(w, h, |x, y| {
        let (cx, cy) = (90.0, 90.0);
        let (dx, dy) = (x as f32 - cx, y as f32 - cy);
        let r = (dx * dx + dy * dy).sqrt();
        let wave = 90.0 + 28.0 * ((x as f32) / 22.0).sin();
        if r < 80.0 && ((y as f32) - wave).abs() < 9.0 {
            image::Rgba([255, 255, 255, 255])
        } else if r < 80.0 {
            image::Rgba([16, 96, 110, 255])
        } else if x > 190 && x < 350 && (y % 44) < 20 && y > 40 && y < 150 {
            image::Rgba([26, 51, 89, 255])
        } else {
            image::Rgba([0, 0, 0, 0])
        }
    });
    encode(image::DynamicImage::ImageRgba8(img))
}

/// An invented signature: a loop of ink on transparency.
pub fn sample_signature() -> Vec<u8> {
    let (w, h) = (420u32, 160u32);
    let mut img = image::RgbaImage::new(w, h);
    for i in 0..4000 {
        let t = i as f32 / 4000.0 * std::f32::consts::TAU * 3.0;
        let x = 30.0 + t * 19.0 + 24.0 * (t * 1.3).cos();
        let y = 80.0 + 42.0 * (t * 0.9).sin() * (1.0 - t / 25.0);
        for (ox, oy) in [(0, 0), (1, 0), (0, 1), (1, 1), (2, 1)] {
            let (px, py) = (x as i32 + ox, y as i32 + oy);
            if px >= 0 && py >= 0 && (px as u32) < w && (py as u32) < h {
                img.put_pixel(px as u32, py as u32, image::Rgba([20, 30, 90, 255]));
            }
        }
    }
    encode(image::DynamicImage::ImageRgba8(img))
}

fn encode(img: image::DynamicImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let _ = img.write_to(&mut out, ImageFormat::Png);
    out.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_image_is_made_small_and_a_non_image_is_refused() {
        let big = encode(image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
            2400,
            1200,
            image::Rgb([200, 40, 40]),
        )));
        let small = prepare(&big, LOGO_MAX).unwrap();
        assert_eq!(size_of(&small), Some((360, 180)));
        assert_eq!(
            prepare(b"%PDF-1.7 not an image", LOGO_MAX),
            Err(ImageError::NotAnImage)
        );
        assert_eq!(prepare(&[0u8; 16], LOGO_MAX), Err(ImageError::NotAnImage));
        let logo = prepare(&sample_logo(), LOGO_MAX).unwrap();
        assert!(logo.len() < 20_000, "{} bytes", logo.len());
    }
}
