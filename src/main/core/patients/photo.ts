import sharp from 'sharp'
import { ApiError, MAX_PHOTO_BYTES } from '../../../shared/api'

const SIGNATURES: Array<{ type: 'jpeg' | 'png' | 'webp'; test: (b: Buffer) => boolean }> = [
  { type: 'jpeg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: 'png', test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { type: 'webp', test: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' }
]

/** Largest side of a stored photo: plenty for a profile, small enough to send inline. */
export const PHOTO_SIZE = 512

/**
 * Checks the bytes really are a JPEG, PNG or WebP (not just named so), then stores a
 * square-cropped, EXIF-rotated, metadata-free 512 px JPEG.
 */
export async function preparePhoto(file: Uint8Array, maxBytes = MAX_PHOTO_BYTES): Promise<Buffer> {
  const bytes = Buffer.from(file.buffer, file.byteOffset, file.byteLength)
  if (bytes.length === 0) throw ApiError.field('file', 'is empty')
  if (bytes.length > maxBytes) throw ApiError.field('file', `must be a file of at most ${maxBytes / 1024 / 1024} MB`)
  if (!SIGNATURES.some((s) => s.test(bytes))) throw ApiError.field('file', 'must be a JPEG, PNG or WebP image (checked from its content, not its name)')
  try {
    // Up to 120 megapixels: a 108 MP phone photo still decodes.
    return await sharp(bytes, { limitInputPixels: 120_000_000 })
      .rotate()
      .resize(PHOTO_SIZE, PHOTO_SIZE, { fit: 'cover', position: 'attention' })
      .jpeg({ quality: 82, mozjpeg: true })
      .toBuffer()
  } catch {
    throw ApiError.field('file', 'could not be read as an image; it may be damaged')
  }
}

/** What a scanned document is, from its first bytes: PDF, JPEG or PNG; null for anything else. */
export function documentType(file: Uint8Array): 'application/pdf' | 'image/jpeg' | 'image/png' | null {
  const bytes = Buffer.from(file.buffer, file.byteOffset, file.byteLength)
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf'
  const kind = SIGNATURES.find((s) => s.test(bytes))?.type
  return kind === 'jpeg' ? 'image/jpeg' : kind === 'png' ? 'image/png' : null
}
