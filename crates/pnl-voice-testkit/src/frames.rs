//! Numbered stand-in Opus payloads, so a receiver can check order and content.
//!
//! mediasoup forwards Opus payloads untouched, but it treats payloads of one or two
//! bytes as DTX (silence) packets, so keep frames at least [`MIN_FRAME_LEN`] long.

/// Shortest frame [`numbered_frame`] produces: the 4-byte counter plus filler.
pub const MIN_FRAME_LEN: usize = 8;

/// A frame of `len` bytes (at least [`MIN_FRAME_LEN`]): `seq` big-endian, then a filler
/// derived from `seq` so that content corruption is detectable too.
pub fn numbered_frame(seq: u32, len: usize) -> Vec<u8> {
    let len = len.max(MIN_FRAME_LEN);
    let mut frame = seq.to_be_bytes().to_vec();
    frame.extend((4..len).map(|i| (seq as usize).wrapping_add(i) as u8));
    frame
}

/// The counter of a frame built by [`numbered_frame`], or `None` if the frame
/// is not exactly what [`numbered_frame`] would have produced.
pub fn frame_number(frame: &[u8]) -> Option<u32> {
    let head: [u8; 4] = frame.get(..4)?.try_into().ok()?;
    let seq = u32::from_be_bytes(head);
    (numbered_frame(seq, frame.len()) == frame).then_some(seq)
}
