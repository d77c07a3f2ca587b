#pragma once
// Keys, scales and chords. Pitches are MIDI note numbers (60 = middle C); chord progressions
// are written in Roman numerals relative to the key's tonic, e.g. "I-V-vi-IV", "i-bVI-bVII",
// "I7-IV7-V7", "imaj7"... (see parse_roman for the grammar).
#include <array>
#include <string>
#include <vector>

namespace jaams::synth {

enum class Scale { Major, Minor, HarmonicMinor, Dorian, Mixolydian, Phrygian };

std::string scale_name(Scale s);
// Semitones of degrees 1..7 above the tonic.
const std::array<int, 7>& scale_steps(Scale s);

struct Key {
  int tonic = 48;  // MIDI note of the tonic in the octave the bass part is written around
  Scale scale = Scale::Major;
  // MIDI note of scale degree d (0 = tonic, 7 = tonic an octave up, -1 = the 7th below).
  int degree(int d) const;
  // The scale note nearest to `midi` (ties go down).
  int snap(int midi) const;
};

struct Chord {
  int root = 48;               // MIDI
  std::vector<int> intervals;  // semitones above the root, starting with 0
  std::vector<int> notes() const;
  int third() const;  // interval of the third (3 or 4), or of the fifth for power chords
};

// One chord in Roman-numeral form: optional b/#, I..VII (upper case major, lower case minor),
// optional suffix: 7 (dominant on upper case, minor seventh on lower case), maj7, 5 (power
// chord), o (diminished), sus4, 6, 9. The root is the numeral's degree of the MAJOR scale from
// the tonic, moved by the accidental, so "bVII" in A is G whatever the key's mode.
Chord parse_roman(const std::string& numeral, int tonic);
// "I-V-vi-IV" -> four chords.
std::vector<Chord> progression(const std::string& romans, int tonic);

// The chord's notes spread from `lowest` upwards in close position, `count` voices (notes
// repeat an octave up when count exceeds the chord size).
std::vector<int> voice_chord(const Chord& c, int lowest, int count);
// Four-part voicing in the orchestral manner: root in the bass, the remaining voices spaced
// wider at the bottom than the top, the top voice near `soprano`.
std::vector<int> orchestral_voicing(const Chord& c, int bass_low, int soprano);
// The note with `midi`'s pitch class in [lo, lo + 11].
int place(int midi, int lo);
// A power chord shape (root, fifth, octave) from `root`.
std::vector<int> power_chord(int root);

}  // namespace jaams::synth
