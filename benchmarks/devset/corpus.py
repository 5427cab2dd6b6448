"""A held-out set of real compositions: pieces of the music21 corpus, rendered as written.

Every song of ``make_devset`` is arranged by our own generator, so dev and held-out songs share
its writers' habits. This split is made of music people wrote: Bach chorales and a prelude,
string quartets of Haydn and Mozart, a Corelli trio sonata, piano pieces (Joplin, Clara
Schumann), songs with piano (Handel, Schubert, Liliuokalani) and fiddle tunes from Ryan's
Mammoth Collection (1883), all public domain, read from the corpus that ships in the
``music21`` wheel (``pip install music21==10.5.1``). Nothing is added to a score: no
accompaniment, no drums, no dynamics, no rubato.

The pieces were chosen by metadata only (time signature, number of parts, length and the
tempo marking), never by listening to the audio nor by analysing it, and no tracker may ever
be tuned on them: the integrator scores the split once (``--split corpus``).

Conventions (those of ``make_devset``):

- Repeats are played (``expandRepeats``: the music as performed, first and second endings;
  where music21 cannot expand them, the cut stops at the first repeat sign or ending); a
  piece is cut to its first bars, on a bar line, at most :data:`MAX_SECONDS` long; the cut
  also stops before a change of time signature (one meter a piece), before a bar that
  breaks the bar grid (a short bar not completed by the next one) and before a bar where the
  parts disagree (an error of the encoding). A piece whose cut lasts less than
  :data:`MIN_SECONDS` is left out. A first bar written with rests (Schumann's scherzo) keeps
  them: its beats are beats.
- The annotated beat: the quarter in x/4 (2/4: 2 a bar, 3/4: 3, 4/4: 4), the half note in
  2/2 (2 a bar), the dotted quarter in 6/8 (2), 9/8 (3) and 12/8 (4). 3/8 pieces are left out.
- Downbeats are the bar lines; a pickup's beats are beats (a pickup shorter than a beat has
  none) and the first downbeat comes after it; a short bar closing a section and the pickup
  bar after it make one bar (no downbeat between them).
- One tempo a piece, held throughout: the score's metronome mark when it has one (Joplin's
  100), else a typical tempo for its marking and genre (:attr:`Piece.tempo`, the annotated
  beat's BPM, with its reason in :attr:`Piece.marking`). Fermatas are rendered as written
  (a fermata's extension is not in the score, so it is not in the truth either).
- Sections: where the score's form shows them, at a repeat (the measure numbers going back
  or skipping a first ending) or a double bar, moved to the next downbeat, at least
  :data:`MIN_SECTION_BARS` bars apart and from the end; labelled by the measure they start
  on, so a repeated section gets its label again. Else one section (not scored).
- Every part gets a General MIDI instrument fitting it (:data:`TEXTURES`), one channel
  each, every note at velocity :data:`VELOCITY`; ties are joined, grace notes left out.

The songs are :class:`make_devset.DevSong` and rendered by :func:`make_devset.render` (the
same soundfont, sample rate and cache format: a ``.flac`` and a ``.json`` truth per song).

:data:`CORPUS2` (``--split corpus2``) is a second held-out split made the same way from other
pieces (:data:`PIECES` is spent: it was scored and tuned on); for it, tunes of tune books read
by number, their repeats as played (:func:`close_open_repeats`) and chord symbols played on
the piano where a melody comes with them (:func:`chord_spans`).

:data:`CORPUS3` (``--split corpus3``, names ``corpus3_*``) is the third held-out split, made
when the first two were spent: 30 pieces of neither, closer to what users play, dance tunes
and marches with a clear pulse (reels, jigs in 6/8, 9/8 and 12/8, hornpipes, a clog,
strathspeys, country and contra dances, minstrel walk-arounds, a gavot, an allemande,
minuets, a waltz, quick steps and marches of Ryan's, Aird's and O'Neill's tune books and
the American fife book), songs (Grandfather's Clock, the Star-Spangled Banner), two Bach
chorales and a polonaise, by the same rules and code (the tune books' repeats as played;
Aird's ``Q:`` marks as the tempo); a tune alone gets one instrument (fiddle, flute, fife,
accordion, banjo or a voice, :data:`TEXTURES`). Chosen by metadata only, like the others;
nobody listened to, analysed or tracked it: the integrator scores it once.

    python -m benchmarks.devset.corpus [--split corpus|corpus2|corpus3] [--out DIR]
        [--only NAME ...]
"""

from __future__ import annotations

import argparse
import warnings
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path

import numpy as np

from benchmarks.devset import make_devset as ds
from benchmarks.devset.smf import PPQ, Track, encode_file

MUSIC21_VERSION = "10.5.1"
MAX_SECONDS = 75.0
MIN_SECONDS = 30.0
MIN_SECTION_BARS = 4
VELOCITY = 80

#: GM programs of the parts, in score order (the last one repeats for further parts).
TEXTURES: dict[str, tuple[int, ...]] = {
    "choir": (52,),  # choir aahs: a chorale sung
    "organ": (19,),  # church organ: a chorale played
    "quartet": (40, 40, 41, 42),  # violin, violin, viola, cello
    "trio_sonata": (40, 40, 42),  # two violins and the continuo's cello
    "piano": (0,),
    "voice_piano": (53, 0),  # a voice (voice oohs) over the piano's two staves
    "choir_piano": (52, 52, 52, 52, 53, 0),  # SATB, a solo voice, the piano
    "fiddle": (40,),  # a tune alone, as in the collection
    "flute": (73,),  # a tune alone on the flute (O'Neill's tunes are for fiddle, pipes, flute)
    "fife": (72,),  # piccolo: a fife tune
    "fiddle_piano": (40, 0),  # a tune and its chord symbols on the piano
    "choir_piano4": (52, 52, 52, 52, 0),  # four voices and the piano's staves
    "cantata_pastoral": (73, 68, 69, 52, 52, 52, 52, 19),  # flutes, oboes, SATB, organ
    "cantata_festive": (56, 56, 56, 47, 52, 52, 52, 52),  # trumpets, timpani, SATB
    "cantata_trumpets": (56, 56, 56, 52, 52, 52, 52, 47),  # trumpets, SATB, timpani
    "accordion": (21,),  # a dance tune on the accordion
    "banjo": (105,),  # a minstrel walk-around on the banjo
    "voice": (53,),  # a song's tune sung (voice oohs)
}

#: Beat length in quarter notes and beats per bar, by written time signature.
BEAT_LEVEL: dict[str, tuple[Fraction, int]] = {
    "2/4": (Fraction(1), 2), "3/4": (Fraction(1), 3), "4/4": (Fraction(1), 4),
    "2/2": (Fraction(2), 2), "6/8": (Fraction(3, 2), 2), "9/8": (Fraction(3, 2), 3),
    "12/8": (Fraction(3, 2), 4),
}


@dataclass(frozen=True)
class Piece:
    """A corpus piece: its path, the annotated beat's tempo and why, its instruments."""

    name: str
    path: str  # in the music21 corpus
    composer: str
    title: str
    tempo: float  # BPM of the annotated beat
    marking: str  # the score's marking and the reason for the tempo
    texture: str  # a key of TEXTURES
    number: int | None = None  # the tune's number (X:) in a file of many tunes
    chords: bool = False  # the chord symbols played (a lead sheet's or a folk tune's)
    open_repeats: bool = False  # an end repeat without a start goes back to the last one


def _p(name: str, path: str, composer: str, title: str, tempo: float, marking: str,
       texture: str) -> Piece:
    return Piece(f"corpus_{name}", path, composer, title, tempo, marking, texture)


#: The split, in a fixed order. Chorales: the first five of the corpus (sorted by path), all
#: in 4/4 with four parts; fiddle tunes: of Ryan's Mammoth Collection (sorted by file name),
#: the first of each kind and signature (two 6/8 jigs) whose cut lasts :data:`MIN_SECONDS`
#: (most tunes are written without repeats, 16 bars, too short). Left out by the same rules:
#: Haydn op. 1 no. 1 v and Mozart K. 80 iv (a bar of the encoding breaks the grid in the
#: first bars), Haydn op. 74 no. 1 iv and Mozart K. 155 iii (the parts disagree early on:
#: too short a cut), 3/8 movements, movements too fast to tap in the annotated beat (Beethoven's
#: op. 18 no. 1 i and iii: one in a bar).
PIECES: tuple[Piece, ...] = (
    _p("bach_bwv10_7", "bach/bwv10.7.mxl", "J. S. Bach", "Chorale BWV 10.7", 76,
       "chorale: a walking quarter", "choir"),
    _p("bach_bwv101_7", "bach/bwv101.7.mxl", "J. S. Bach", "Chorale BWV 101.7", 76,
       "chorale: a walking quarter", "organ"),
    _p("bach_bwv102_7", "bach/bwv102.7.mxl", "J. S. Bach", "Chorale BWV 102.7", 76,
       "chorale: a walking quarter", "choir"),
    _p("bach_bwv103_6", "bach/bwv103.6.mxl", "J. S. Bach", "Chorale BWV 103.6", 76,
       "chorale: a walking quarter", "organ"),
    _p("bach_bwv104_6", "bach/bwv104.6.mxl", "J. S. Bach", "Chorale BWV 104.6", 76,
       "chorale: a walking quarter", "choir"),
    _p("bach_bwv846", "bach/bwv846.mxl", "J. S. Bach", "Prelude in C, WTC I (BWV 846)", 66,
       "no marking in the original: a usual tempo", "piano"),
    _p("corelli_op3_1_grave", "corelli/opus3no1/1grave.xml", "A. Corelli",
       "Trio sonata op. 3 no. 1, Grave", 54, "Grave", "trio_sonata"),
    _p("handel_lascia", "handel/rinaldo/Lascia_chio_pianga.mxl", "G. F. Handel",
       "Lascia ch'io pianga (Rinaldo)", 60, "Largo", "voice_piano"),
    _p("schubert_lindenbaum", "schubert/Lindenbaum.xml", "F. Schubert", "Der Lindenbaum",
       84, "Mässig", "voice_piano"),
    _p("liliuokalani_aloha_oe", "liliuokalani/aloha_oe.mxl", "Liliuokalani", "Aloha Oe", 80,
       "no marking: a usual tempo for the song", "choir_piano"),
    _p("joplin_maple_leaf", "joplin/maple_leaf_rag.mxl", "S. Joplin", "Maple Leaf Rag", 100,
       "Tempo di marcia, the score's metronome mark (quarter = 100)", "piano"),
    _p("clara_schumann_polonaise", "schumann_clara/polonaise_op1n1.mxl", "C. Schumann",
       "Polonaise op. 1 no. 1", 96, "a polonaise's usual tempo", "piano"),
    _p("haydn_op1_1_i", "haydn/opus1no1/movement1.mxl", "J. Haydn",
       "Quartet op. 1 no. 1, i", 100, "Presto (6/8: the dotted quarter)", "quartet"),
    _p("haydn_op1_1_ii", "haydn/opus1no1/movement2.mxl", "J. Haydn",
       "Quartet op. 1 no. 1, ii", 132, "Menuetto", "quartet"),
    _p("mozart_k155_i", "mozart/k155/movement1.mxl", "W. A. Mozart", "Quartet K. 155, i",
       132, "Allegro", "quartet"),
    _p("mozart_k155_ii", "mozart/k155/movement2.mxl", "W. A. Mozart", "Quartet K. 155, ii",
       76, "Andante", "quartet"),
    _p("mozart_k156_iii", "mozart/k156/movement3.mxl", "W. A. Mozart",
       "Quartet K. 156, iii", 126, "Tempo di Menuetto", "quartet"),
    _p("mozart_k80_iii", "mozart/k80/movement3.mxl", "W. A. Mozart", "Quartet K. 80, iii",
       132, "Menuetto", "quartet"),
    _p("mozart_k458_i", "mozart/k458/movement1.mxl", "W. A. Mozart",
       "Quartet K. 458 'The Hunt', i", 104, "Allegro vivace assai (6/8: the dotted quarter)",
       "quartet"),
    _p("mozart_k458_iv", "mozart/k458/movement4.mxl", "W. A. Mozart",
       "Quartet K. 458 'The Hunt', iv", 144, "Allegro assai (2/4)", "quartet"),
    _p("schumann_op41_1_ii", "schumann_robert/opus41no1/movement2.mxl", "R. Schumann",
       "Quartet op. 41 no. 1, ii", 100, "Scherzo: Presto (6/8: the dotted quarter)",
       "quartet"),
    _p("ryan_battle_the_cash_jig", "ryansMammoth/BattleTheCashJig.abc", "trad. (Ryan, 1883)",
       "Battle the Cash (jig)", 112, "a jig's usual tempo (the dotted quarter)", "fiddle"),
    _p("ryan_belle_of_the_kitchen_jig", "ryansMammoth/BelleOfTheKitchenJig.abc",
       "trad. (Ryan, 1883)", "Belle of the Kitchen (jig)", 112,
       "a jig's usual tempo (the dotted quarter)", "fiddle"),
    _p("ryan_ride_a_mile_slipjig", "ryansMammoth/RideAMileSlipjig.abc", "trad. (Ryan, 1883)",
       "Ride a Mile (slip jig)", 116, "a slip jig's usual tempo (the dotted quarter)",
       "fiddle"),
    _p("ryan_7th_regiment_reel", "ryansMammoth/7thRegimentReel.abc", "trad. (Ryan, 1883)",
       "7th Regiment Reel (2/4)", 108, "a reel's usual tempo (2/4: the quarter)", "fiddle"),
    _p("ryan_ally_croakers_reel", "ryansMammoth/AllyCroakersFavoriteReel.abc",
       "trad. (Ryan, 1883)", "Ally Croaker's Favorite (reel, cut time)", 104,
       "a reel's usual tempo (2/2: the half note)", "fiddle"),
    _p("ryan_albemarle_hornpipe", "ryansMammoth/AlbemarleHornpipe.abc", "trad. (Ryan, 1883)",
       "Albemarle Hornpipe (2/4)", 88, "a hornpipe's usual tempo (2/4: the quarter)",
       "fiddle"),
    _p("ryan_acrobats_hornpipe", "ryansMammoth/AcrobatsHornpipe.abc", "trad. (Ryan, 1883)",
       "Acrobat's Hornpipe (cut time)", 88, "a hornpipe's usual tempo (2/2: the half note)",
       "fiddle"),
    _p("ryan_willie_strathspey", "ryansMammoth/AWillieWeHaveMissdYouStrathspey.abc",
       "trad. (Ryan, 1883)", "A Willie We Have Missed You (strathspey)", 120,
       "a strathspey's usual tempo (4/4: the quarter)", "fiddle"),
)


def _q(name: str, path: str, composer: str, title: str, tempo: float, marking: str,
       texture: str, number: int | None = None, chords: bool = False) -> Piece:
    return Piece(f"corpus2_{name}", path, composer, title, tempo, marking, texture, number,
                 chords, open_repeats=True)


_ONEILL, _RYAN, _AIRD = "trad. (O'Neill, 1903)", "trad. (Ryan, 1883)", "trad. (Aird, 1782-97)"

#: The second held-out split, none of its pieces (nor a movement of them) in :data:`PIECES`,
#: chosen by metadata as :data:`PIECES` were, for the variety users upload: quartet movements
#: of Beethoven, Mozart and Haydn, Bach chorales with their instruments (3/4, 12/8) and a
#: motet, a Monteverdi madrigal, songs (Schumann, Beach, Johnson; Berlin and Foster from lead
#: sheets, their chord symbols on the piano), a polonaise, and dance tunes: of O'Neill's Music
#: of Ireland the first tune of each kind (slip jig, double jig, reel, hornpipe, march)
#: whose cut lasts :data:`MIN_SECONDS`, Ryan's first clog and fling, Aird's airs (a minuet, a
#: 12/8 quick step), a fife tune and the Nottingham database's first tune (with its chords).
#: The tune books' repeats are read as played (:func:`close_open_repeats`). Left out by the
#: rules of :data:`PIECES`: Beethoven's op. 18 no. 4 i (its mark, quarter = 170, too fast to
#: tap in quarters) and the first movements of op. 59 nos. 1 and 2 and op. 18 no. 5, the
#: finale of Schumann's op. 41 no. 1 (too fast in the annotated beat), 3/8 pieces (Verdi's
#: La donna è mobile, Mozart's K. 156 i, Beethoven's op. 59 no. 1 ii), pieces changing tempo
#: or meter early (Weber's concertino, Beethoven's op. 74, op. 132), cuts too short (Mozart's
#: K. 545 exposition, Chopin's mazurka op. 6 no. 2, a grid broken in the first bars: op. 18
#: no. 1 ii and iv; O'Neill's first slide lasts 29 s; O'Neill's reels are mostly written once
#: through, 16 bars: the first lasting 30 s is no. 1189).
CORPUS2: tuple[Piece, ...] = (
    _q("beethoven_op18_3_i", "beethoven/opus18no3.mxl", "L. van Beethoven",
       "Quartet op. 18 no. 3, i", 85, "Allegro, the score's metronome mark (half = 85)",
       "quartet"),
    _q("beethoven_op59_2_ii", "beethoven/opus59no2/movement2.mxl", "L. van Beethoven",
       "Quartet op. 59 no. 2, ii", 60, "Molto adagio", "quartet"),
    _q("beethoven_op59_3_ii", "beethoven/opus59no3/movement2.mxl", "L. van Beethoven",
       "Quartet op. 59 no. 3, ii", 56,
       "Andante con moto quasi allegretto (6/8: the dotted quarter)", "quartet"),
    _q("beethoven_op59_3_iii", "beethoven/opus59no3/movement3.mxl", "L. van Beethoven",
       "Quartet op. 59 no. 3, iii", 116, "Menuetto: grazioso", "quartet"),
    _q("mozart_k80_i", "mozart/k80/movement1.mxl", "W. A. Mozart", "Quartet K. 80, i", 56,
       "Adagio", "quartet"),
    _q("mozart_k80_ii", "mozart/k80/movement2.mxl", "W. A. Mozart", "Quartet K. 80, ii", 132,
       "Allegro", "quartet"),
    _q("mozart_k156_ii", "mozart/k156/movement2.mxl", "W. A. Mozart", "Quartet K. 156, ii",
       50, "Adagio", "quartet"),
    _q("haydn_op1_1_iv", "haydn/opus1no1/movement4.mxl", "J. Haydn",
       "Quartet op. 1 no. 1, iv", 126, "Menuetto", "quartet"),
    _q("haydn_op74_1_i", "haydn/opus74no1/movement1.mxl", "J. Haydn",
       "Quartet op. 74 no. 1, i", 126, "Allegro moderato", "quartet"),
    _q("clara_schumann_polonaise_3", "schumann_clara/polonaise_op1n3.mxl", "C. Schumann",
       "Polonaise op. 1 no. 3", 100, "a polonaise's usual tempo", "piano"),
    _q("schumann_dichterliebe_2", "schumann_robert/dichterliebe_no2.xml", "R. Schumann",
       "Aus meinen Tränen spriessen (Dichterliebe 2)", 54, "Nicht schnell", "voice_piano"),
    _q("beach_prayer", "beach/prayer_of_a_tired_child.musicxml", "A. Beach",
       "Prayer of a Tired Child", 60, "Molto tranquillo", "choir_piano4"),
    _q("johnson_lift_every_voice", "johnson_j_r/lift_every_voice.mxl", "J. R. Johnson",
       "Lift Every Voice and Sing", 52, "no marking: a hymn's tempo (the dotted quarter)",
       "choir"),
    _q("bach_bwv248_23_2", "bach/bwv248.23-2.mxl", "J. S. Bach",
       "Chorale BWV 248.23 (Christmas Oratorio)", 54,
       "a pastoral chorale (12/8: the dotted quarter)", "cantata_pastoral"),
    _q("bach_bwv137_5", "bach/bwv137.5.mxl", "J. S. Bach", "Chorale BWV 137.5 (Lobe den Herren)",
       100, "chorale in 3/4: a festive quarter", "cantata_festive"),
    _q("bach_bwv229_2", "bach/bwv229.2.mxl", "J. S. Bach", "Komm, Jesu, komm (BWV 229), aria",
       96, "no marking: a usual tempo", "choir"),
    _q("monteverdi_3_1", "monteverdi/madrigal.3.1.mxl", "C. Monteverdi",
       "Madrigal, book 3 no. 1", 88, "no marking: a usual tempo for the madrigal", "choir"),
    _q("berlin_alexanders_ragtime", "leadSheet/berlinAlexandersRagtime.mxl", "I. Berlin",
       "Alexander's Ragtime Band (lead sheet)", 120, "a usual tempo for the song",
       "voice_piano", chords=True),
    _q("foster_jeanie", "leadSheet/fosterBrownHair.mxl", "S. Foster",
       "Jeanie with the Light Brown Hair (lead sheet)", 72, "a usual tempo for the song",
       "voice_piano", chords=True),
    _q("oneill_rocky_road_slipjig", "oneills1850/1116-1135_mh.abc", _ONEILL,
       "Rocky Road to Dublin (slip jig)", 116, "a slip jig's usual tempo (the dotted quarter)",
       "flute", 1116),
    _q("oneill_short_grass_jig", "oneills1850/0981-1000.abc", _ONEILL,
       "The Short Grass (double jig)", 112, "a jig's usual tempo (the dotted quarter)",
       "fiddle", 981),
    _q("oneill_chief_oneills_hornpipe", "oneills1850/1556-1624.abc", _ONEILL,
       "Chief O'Neill's Favorite (hornpipe, cut time)", 88,
       "a hornpipe's usual tempo (2/2: the half note)", "fiddle", 1556),
    _q("oneill_avonmore_reel", "oneills1850/1176-1275.abc", _ONEILL,
       "The Avonmore (reel, cut time)", 104, "a reel's usual tempo (2/2: the half note)",
       "flute", 1189),
    _q("oneill_hurlers_march", "oneills1850/1801-1850.abc", _ONEILL,
       "The Hurler's March (2/4)", 112, "a march's usual tempo (2/4: the quarter)", "flute",
       1805),
    _q("ryan_avalanche_clog", "ryansMammoth/AvalancheLancashireClog.abc", _RYAN,
       "Avalanche (Lancashire clog, cut time)", 84, "a clog's usual tempo (2/2: the half note)",
       "fiddle"),
    _q("ryan_belles_of_edinboro_fling", "ryansMammoth/BellesOfEdinboroHighlandFling.abc",
       _RYAN, "Belles of Edinboro' (Highland fling, cut time)", 62,
       "a fling's usual tempo, a strathspey's (2/2: the half note)", "fiddle"),
    _q("aird_princess_of_wales_minuet", "airdsAirs/book6.abc", _AIRD,
       "Princess of Wales's Minuet", 144, "the score's metronome mark (quarter = 144)",
       "fiddle", 1139),
    _q("aird_quick_step_10th", "airdsAirs/book2.abc", _AIRD, "Quick Step 10th Regt. (12/8)",
       88, "the score's metronome mark (dotted quarter = 88)", "flute", 290),
    _q("fife_olde_saybrooke", "miscFolk/americanfifeopus.abc", "trad. (American fife)",
       "Olde Saybrooke (2/4)", 110, "a fife march's usual tempo (2/4: the quarter)", "fife", 1),
    _q("nottingham_cuckoos_nest", "nottingham-dataset/reelsa-c.abc", "trad. (Nottingham)",
       "Cuckoo's Nest (hornpipe, with its chords)", 112,
       "a hornpipe's usual tempo (4/4 in eighths: the quarter)", "fiddle_piano", 80,
       chords=True),
)


def _t(name: str, path: str, composer: str, title: str, tempo: float, marking: str,
       texture: str, number: int | None = None) -> Piece:
    return Piece(f"corpus3_{name}", path, composer, title, tempo, marking, texture, number,
                 open_repeats=True)


_FIFE = "trad. (American fife)"
_JIG, _REEL = "a jig's usual tempo", "a reel's usual tempo"

#: The third held-out split, none of its pieces (path and tune number) in :data:`PIECES` or
#: :data:`CORPUS2`, made by the same rules and chosen by metadata only, for what users play: dance
#: tunes and marches with a clear pulse, hymns and songs. Of Ryan's Mammoth Collection: the country
#: and contra dances Soldier's Joy, Pop Goes the Weasel and a Sicilian circle, two minstrel
#: walk-arounds for their forms (five strains; A B C C), and by file name the next tune of the kinds
#: the earlier splits took whose cut lasts :data:`MIN_SECONDS` (a cut-time hornpipe, a clog, a
#: strathspey), its first jig lasting as long (in 9/8) and its one 12/8 jig. Of Aird's Airs (by
#: number) the first gavot, allemande, quick step, strathspey, 6/8 march, 4/4 march and cut-time
#: hornpipe lasting :data:`MIN_SECONDS` and its first two minuets in 3/4, at the metronome marks of
#: their ``Q:`` fields. Of O'Neill's Music of Ireland its first waltz, its first 6/8 and 4/4 marches
#: lasting :data:`MIN_SECONDS` and a three-part double jig. Of the American fife book two marches
#: and two songs; two Bach chorales (a hymn on the organ, one with its trumpets and timpani) and a
#: polonaise. Left out by the rules: O'Neill's other waltzes (nos. 561 and 593 last 10 s, no. 610
#: breaks the grid at once) and White Cockade march (24 s); the fife book's Duke of York's March,
#: Battle Hymn of the Republic, La Belle Catherine and Norman Toy (written in two voices, which
#: music21 reads as parts without bars) and Drunken Sailor (20 s); Aird's first 4/4 marches (8 and
#: 19 bars: too short) and John Small's Minuet and German Waltz (3/8); Clara Schumann's polonaise
#: op. 1 no. 4 (its tempo changes at bar 17: animato); Haydn's op. 74 no. 1 iii and Mozart's K. 458
#: ii (minuets whose cut lasts 19 s and 11 s).
CORPUS3: tuple[Piece, ...] = (
    _t("ryan_soldiers_joy", "ryansMammoth/SoldiersJoy.abc", _RYAN, "Soldier's Joy (2/4)", 108,
       f"{_REEL} (2/4: the quarter)", "fiddle"),
    _t("ryan_pop_goes_the_weasel", "ryansMammoth/PopGoesTheWeasel.abc", _RYAN,
       "Pop Goes the Weasel (6/8)", 112, f"{_JIG} (6/8: the dotted quarter)", "accordion"),
    _t("ryan_new_boston_sicilian_circle", "ryansMammoth/NewBostonSicillianCircle.abc", _RYAN,
       "New Boston Sicilian Circle (2/4)", 108,
       f"a contra dance, {_REEL} (2/4: the quarter)", "accordion"),
    _t("ryan_walkaround_carry_the_news", "ryansMammoth/WalkAroundCarryTheNewsToMary.abc",
       _RYAN, "Carry the News to Mary (walk-around, 2/4)", 104,
       "a walk-around's usual tempo, a strutting march (2/4: the quarter)", "banjo"),
    _t("ryan_walkaround_hey_daddy", "ryansMammoth/WalkAroundHeyDaddy.abc", _RYAN,
       "Hey Daddy (walk-around, 2/4)", 104,
       "a walk-around's usual tempo, a strutting march (2/4: the quarter)", "fiddle"),
    _t("ryan_admirals_hornpipe", "ryansMammoth/AdmiralsHornpipe.abc", _RYAN,
       "Admiral's Hornpipe (cut time)", 88, "a hornpipe's usual tempo (2/2: the half note)",
       "fiddle"),
    _t("ryan_belle_of_the_stage_clog", "ryansMammoth/BelleOfTheStageLancashireClog.abc", _RYAN,
       "Belle of the Stage (Lancashire clog, cut time)", 84,
       "a clog's usual tempo (2/2: the half note)", "fiddle"),
    _t("ryan_barney_brallagans_jig", "ryansMammoth/BarneyBrallagansJig.abc", _RYAN,
       "Barney Brallagan's Jig (9/8)", 116,
       "a slip jig's usual tempo (9/8: the dotted quarter)", "flute"),
    _t("ryan_alistair_strathspey", "ryansMammoth/AlistairMaclalastairStrathspey.abc", _RYAN,
       "Alistair MacAlastair (strathspey)", 120,
       "a strathspey's usual tempo (4/4: the quarter)", "fiddle"),
    _t("ryan_off_she_goes_jig", "ryansMammoth/OffSheGoesJig.abc", _RYAN,
       "Off She Goes (jig, 12/8)", 112, f"{_JIG} (12/8: the dotted quarter)", "fiddle"),
    _t("aird_la_royal_loverie_gavot", "airdsAirs/book3.abc", _AIRD, "La Royal Loverie Gavot",
       108, "the score's metronome mark (quarter = 108)", "flute", 489),
    _t("aird_allemande", "airdsAirs/book1.abc", _AIRD, "Allemande (2/4)", 104,
       "the score's metronome mark (quarter = 104)", "fiddle", 79),
    _t("aird_miss_callanders_minuet", "airdsAirs/book4.abc", _AIRD, "Miss Callander's Minuet",
       150, "the score's metronome mark (dotted half = 50)", "fiddle", 690),
    _t("aird_princess_royals_minuet", "airdsAirs/book5.abc", _AIRD, "Princess Royal's Minuet",
       150, "the score's metronome mark (dotted half = 50)", "flute", 856),
    _t("aird_1st_turks_march", "airdsAirs/book2.abc", _AIRD, "1st Turks March (4/4)", 152,
       "the score's metronome mark (half = 76)", "fife", 206),
    _t("aird_gen_howes_march", "airdsAirs/book1.abc", _AIRD,
       "The Lady's Play Thing, or Gen. Howe's March (6/8)", 120,
       "the score's metronome mark (dotted quarter = 120)", "fife", 5),
    _t("aird_quick_step_25th", "airdsAirs/book1.abc", _AIRD, "Quick Step 25th Regt. (2/4)", 89,
       "the score's metronome mark (quarter = 89)", "fife", 2),
    _t("aird_favourite_strathspey", "airdsAirs/book2.abc", _AIRD, "A Favourite Strathspey", 120,
       "the score's metronome mark (quarter = 120)", "fiddle", 250),
    _t("aird_staten_island_hornpipe", "airdsAirs/book2.abc", _AIRD,
       "Staten Island Hornpipe (cut time)", 96, "the score's metronome mark (half = 96)",
       "fiddle", 283),
    _t("oneill_save_me_from_death_waltz", "oneills1850/0550-0625.abc", _ONEILL,
       "Save Me From Death (waltz)", 138, "a country waltz's usual tempo (3/4: the quarter)",
       "accordion", 557),
    _t("oneill_brian_borus_march", "oneills1850/1801-1850.abc", _ONEILL,
       "Brian Boru's March (6/8)", 96, "a march's usual tempo (6/8: the dotted quarter)",
       "flute", 1801),
    _t("oneill_shane_oneills_march", "oneills1850/1801-1850.abc", _ONEILL,
       "Shane O'Neill's March (4/4)", 112, "a march's usual tempo (4/4: the quarter)",
       "fiddle", 1806),
    _t("oneill_monaghan_jig", "oneills1850/1031-1115.abc", _ONEILL,
       "The Monaghan Jig (double jig)", 112, f"{_JIG} (6/8: the dotted quarter)", "flute",
       1033),
    _t("fife_british_grenadiers", "miscFolk/americanfifeopus.abc", _FIFE,
       "The British Grenadiers (2/4)", 110, "a fife march's usual tempo (2/4: the quarter)",
       "fife", 6),
    _t("fife_yankee_doodle", "miscFolk/americanfifeopus.abc", _FIFE, "Yankee Doodle (2/4)", 110,
       "a fife march's usual tempo (2/4: the quarter)", "fife", 30),
    _t("fife_grandfathers_clock", "miscFolk/americanfifeopus.abc", "H. C. Work (American fife)",
       "Grandfather's Clock (2/4)", 80,
       "the song's walking pace (the book's older copy: eighth = 160)", "flute", 11),
    _t("fife_star_spangled_banner", "miscFolk/americanfifeopus.abc",
       "J. S. Smith (American fife)", "The Star-Spangled Banner (3/4)", 100,
       "an anthem's usual tempo, sung (3/4: the quarter)", "voice", 26),
    _t("bach_bwv80_8", "bach/bwv80.8.mxl", "J. S. Bach", "Chorale BWV 80.8 (Ein feste Burg)",
       76, "chorale: a walking quarter", "organ"),
    _t("bach_bwv29_8", "bach/bwv29.8.mxl", "J. S. Bach",
       "Chorale BWV 29.8 (Nun lob, mein Seel, den Herren)", 100,
       "chorale in 3/4: a festive quarter", "cantata_trumpets"),
    _t("clara_schumann_polonaise_2", "schumann_clara/polonaise_op1n2.mxl", "C. Schumann",
       "Polonaise op. 1 no. 2", 96, "a polonaise's usual tempo", "piano"),
)


def piece(name: str) -> Piece:
    return next(p for p in (*PIECES, *CORPUS2, *CORPUS3) if p.name == name)


# ---------------------------------------------------------------------------------------------
# The score: its bars as played, cut on a bar line
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Bar:
    """A measure as played: where it starts and how long it is (quarter notes), its number in
    the score, whether a double bar or a repeat sign ends it, its position in the bar grid."""

    offset: Fraction
    length: Fraction
    number: int
    double_bar: bool
    position: Fraction  # quarters since the last bar line of the grid (0: a downbeat)
    closes: bool  # it ends on a bar line of the grid


@cache
def load_score(path: str, number: int | None = None, open_repeats: bool = False):
    """The score at ``path`` of the music21 corpus (tune ``number`` of a file of many) with its
    repeats played; as written when music21 cannot expand them (then :func:`bars_of` stops at
    the first repeat). With ``open_repeats``, :func:`close_open_repeats` first. Cached, so
    never change it."""
    from music21 import corpus

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        score = corpus.parse(path) if number is None else corpus.parse(path, number=number)
        if open_repeats:
            close_open_repeats(score)
        try:
            return score.expandRepeats()
        except Exception:  # music21 raises its own ExpanderException on odd repeat marks
            return score


def score_of(p: Piece):
    """The score of piece ``p``, as :func:`load_score` reads it."""
    return load_score(p.path, p.number, p.open_repeats)


def close_open_repeats(score) -> None:
    """Give every end repeat without a start repeat its start, after the previous end repeat
    (the tune books' ``|: A :| B :|``, played A A B B). music21 sends such a repeat back to
    the start of the piece (A A B A A B); a first one, with no end repeat before it, still
    goes back there, and a second ending is not a section's start. Changes ``score``."""
    from music21 import bar, spanner

    bracketed = {id(m) for b in score.recurse().getElementsByClass(spanner.RepeatBracket)
                 for m in b.getSpannedElements()}
    for part in score.parts:
        section = 0  # the first measure after the last end repeat (and its endings)
        measures = list(part.getElementsByClass("Measure"))
        for i, m in enumerate(measures):
            if isinstance(m.leftBarline, bar.Repeat):
                section = i
            if isinstance(m.rightBarline, bar.Repeat) and m.rightBarline.direction == "end":
                first = measures[min(section, i)]
                if 0 < section <= i and not isinstance(first.leftBarline, bar.Repeat):
                    first.leftBarline = bar.Repeat(direction="start")
                section = i + 1
                while section < len(measures) and id(measures[section]) in bracketed:
                    section += 1


def _repeat_stop(score, measures: list) -> int:
    """The index of the first measure not to play when the repeats are still written (music21
    could not expand them): the one after a repeat sign or the first of an ending bracket."""
    from music21 import bar, spanner

    bracketed = {id(m) for b in score.recurse().getElementsByClass(spanner.RepeatBracket)
                 for m in b.getSpannedElements()}
    for i, m in enumerate(measures):
        if id(m) in bracketed:
            return i
        if isinstance(m.rightBarline, bar.Repeat):
            return i + 1
    return len(measures)


def _double_bar(measure) -> bool:
    from music21 import bar

    right = measure.rightBarline
    return bool(right is not None and (isinstance(right, bar.Repeat) or right.type in (
        "double", "final", "light-light", "light-heavy", "heavy-light", "heavy-heavy")))


def _aligned(parts: list[list], i: int) -> bool:
    """Whether every part has measure ``i`` where the first part has it, as long."""
    first = parts[0][i]
    return all(i < len(p) and p[i].offset == first.offset
               and p[i].duration.quarterLength == first.duration.quarterLength for p in parts)


def bars_of(score) -> tuple[str, list[Bar]]:
    """The time signature and the bars of ``score`` (its first part) up to the first change
    of signature, the first bar breaking the grid (a short bar not completed by the next), the
    first bar where the parts disagree (an encoding's error) or a repeat left written."""
    parts = [list(part.getElementsByClass("Measure")) for part in score.parts]
    measures = parts[0]
    signature = measures[0].timeSignature or measures[0].getContextByClass("TimeSignature")
    ratio = signature.ratioString
    bar_ql = Fraction(signature.barDuration.quarterLength)
    first = Fraction(measures[0].duration.quarterLength)
    position = bar_ql - first if first < bar_ql else Fraction(0)
    out = []
    stop = _repeat_stop(score, measures)
    for i, m in enumerate(measures[:stop]):
        if m.timeSignature is not None and m.timeSignature.ratioString != ratio:
            break
        length = Fraction(m.duration.quarterLength)
        if length <= 0 or position + length > bar_ql or not _aligned(parts, i):
            break
        closes = position + length == bar_ql
        out.append(Bar(Fraction(m.offset), length, int(m.number), _double_bar(m), position,
                       closes))
        position = (position + length) % bar_ql
    return ratio, out


def cut(bars: list[Bar], seconds_per_quarter: float, max_seconds: float = MAX_SECONDS
        ) -> list[Bar]:
    """The longest run of first bars ending on a bar line and lasting at most ``max_seconds``."""
    best = 0
    for i, b in enumerate(bars):
        end = b.offset + b.length - bars[0].offset
        if float(end) * seconds_per_quarter > max_seconds:
            break
        if b.closes:
            best = i + 1
    return bars[:best]


def grid(bars: list[Bar], beat: Fraction) -> tuple[list[Fraction], list[Fraction]]:
    """Beats and downbeats of ``bars`` in quarter notes from the first bar's start: the beats
    every ``beat`` from each bar line (a pickup's too), the downbeats on the bar lines."""
    start = bars[0].offset
    beats, downbeats = [], []
    for b in bars:
        if b.position == 0:
            downbeats.append(b.offset - start)
        q = b.offset + (-b.position) % beat
        while q < b.offset + b.length:
            beats.append(q - start)
            q += beat
    return beats, downbeats


def sections_of(bars: list[Bar]) -> list[tuple[Fraction, Fraction, str]]:
    """Sections in quarter notes from the first bar: a new one after a double bar or where the
    measure numbers jump (a repeat, a first ending skipped), on the next downbeat, at least
    :data:`MIN_SECTION_BARS` bars from the last boundary and from the end; each labelled by
    the measure it starts on (a repeated section gets its label again)."""
    start, end = bars[0].offset, bars[-1].offset + bars[-1].length
    down = [i for i, b in enumerate(bars) if b.position == 0]
    cuts, numbers, pending = [0], [bars[0].number], None
    for i in range(1, len(bars)):
        prev, here = bars[i - 1], bars[i]
        if pending is None and (prev.double_bar or here.number != prev.number + 1):
            pending = here.number  # the section starts here in the score
        if pending is not None and here.position == 0:
            bars_since = sum(1 for j in down if cuts[-1] <= j < i)
            bars_left = sum(1 for j in down if j >= i)
            if bars_since >= MIN_SECTION_BARS and bars_left >= MIN_SECTION_BARS:
                cuts.append(i)
                numbers.append(pending)
            pending = None
    labels: dict[int, str] = {}
    out = []
    for a, b, number in zip(cuts, [*cuts[1:], None], numbers, strict=True):
        labels.setdefault(number, chr(ord("A") + len(labels)))
        stop = end if b is None else bars[b].offset
        out.append((bars[a].offset - start, stop - start, labels[number]))
    return out


# ---------------------------------------------------------------------------------------------
# The MIDI and the truth
# ---------------------------------------------------------------------------------------------

def _ticks(quarters: Fraction) -> int:
    return round(quarters * PPQ)


def _pickup_signature(length: Fraction) -> tuple[int, int]:
    """A written signature as long as a pickup bar of ``length`` quarters (1/8, 3/8, 1/4...)."""
    for den in (4, 8, 16, 32):
        num = length * den / 4
        if num.denominator == 1:
            return int(num), den
    return 1, 32


def _tempo_track(bars: list[Bar], ratio: str, us_per_quarter: int) -> Track:
    """One tempo for the piece; the time signature (a pickup bar's own first, as
    ``make_devset`` writes it)."""
    track = Track()
    track.tempo(0, us_per_quarter)
    num, den = (int(x) for x in ratio.split("/"))
    first = bars[0]
    if first.position:
        track.time_signature(0, *_pickup_signature(first.length))
        track.time_signature(_ticks(first.length), num, den)
    else:
        track.time_signature(0, num, den)
    return track


def _part_track(part, channel: int, program: int, start: Fraction, end: Fraction) -> Track:
    """The notes of ``part`` (ties joined, grace notes left out) between ``start`` and ``end``
    quarters, on ``channel`` with ``program``."""
    track = Track()
    track.program(0, channel, program)
    # only the cut's notes (ties joined across the whole of a long expanded part take seconds)
    flat = part.flatten().getElementsByOffset(
        float(start), float(end), includeEndBoundary=False, mustBeginInSpan=True).stream()
    flat = flat.stripTies()
    for n in flat.notes:
        length = Fraction(n.duration.quarterLength)
        offset = Fraction(flat.elementOffset(n)) - start
        if length <= 0 or n.duration.isGrace or offset < 0 or offset >= end - start:
            continue
        length = min(length, end - start - offset)
        for pitch in getattr(n, "pitches", ()):
            track.note(_ticks(offset), _ticks(offset + length) - _ticks(offset), channel,
                       pitch.midi, VELOCITY)
    return track


CHORD_BASS = 40  # the lowest bass note of a chord symbol played (E2)
CHORD_LOW = 55  # the lowest note of its chord (G3)


def chord_voicing(symbol) -> list[int]:
    """MIDI notes of a chord symbol played: its bass (the root, or the note after the slash)
    in the octave from E2, its pitch classes closed in the octave from G3; none for N.C."""
    pitches = list(symbol.pitches)
    if not pitches:
        return []
    bass = symbol.bass() or pitches[0]
    upper = sorted({CHORD_LOW + (q.midi - CHORD_LOW) % 12 for q in pitches})
    return [CHORD_BASS + (bass.midi - CHORD_BASS) % 12, *upper]


def chord_spans(part, bars: list[Bar]) -> list[tuple[Fraction, Fraction, list[int]]]:
    """The chord symbols of ``part`` played over ``bars``: each chord from its symbol to the
    next one, struck again at every bar line (quarters from the first bar; N.C. is silent)."""
    from music21 import harmony

    start, end = bars[0].offset, bars[-1].offset + bars[-1].length
    flat = part.flatten()
    symbols = sorted((Fraction(flat.elementOffset(c)), chord_voicing(c))
                     for c in flat.getElementsByClass(harmony.ChordSymbol))
    lines = [b.offset for b in bars if b.position == 0]
    changes = sorted({*(t for t, _ in symbols if start <= t < end), *lines, start})
    out = []
    for a, b in zip(changes, [*changes[1:], end], strict=True):
        notes = [v for t, v in symbols if t <= a]
        if notes and notes[-1]:
            out.append((a - start, b - start, notes[-1]))
    return out


def _chord_track(part, bars: list[Bar], channel: int, program: int) -> Track:
    """The chord symbols of ``part`` played (:func:`chord_spans`) on ``channel``."""
    track = Track()
    track.program(0, channel, program)
    for a, b, notes in chord_spans(part, bars):
        for note in notes:
            track.note(_ticks(a), _ticks(b) - _ticks(a), channel, note, VELOCITY)
    return track


def _channels(n: int) -> list[int]:
    """MIDI channels for ``n`` parts, the drums' channel 10 skipped."""
    return [c for c in range(16) if c != ds.DRUMS][:n]


def _programs(texture: str, n: int) -> list[int]:
    programs = TEXTURES[texture]
    return [programs[min(i, len(programs) - 1)] for i in range(n)]


@cache
def make_piece(name: str) -> ds.DevSong:
    """The song of corpus piece ``name``: its MIDI (the score as written, cut) and its truth."""
    p = piece(name)
    score = score_of(p)
    ratio, all_bars = bars_of(score)
    if ratio not in BEAT_LEVEL:
        raise ValueError(f"{p.path}: no annotated beat for {ratio}")
    beat_ql, meter = BEAT_LEVEL[ratio]
    us = round(60e6 / (p.tempo * float(beat_ql)))
    spq = us / 1e6  # seconds per quarter note, as the MIDI plays it
    bars = cut(all_bars, spq)
    start, end = bars[0].offset, bars[-1].offset + bars[-1].length
    parts = list(score.parts)
    n = len(parts) + p.chords
    tracks = [_tempo_track(bars, ratio, us)]
    for part, channel, program in zip(parts, _channels(n), _programs(p.texture, n),
                                      strict=False):
        tracks.append(_part_track(part, channel, program, start, end))
    if p.chords:  # the symbols of the first part, on the last channel and program
        tracks.append(_chord_track(parts[0], bars, _channels(n)[-1],
                                   _programs(p.texture, n)[-1]))
    beats, downbeats = grid(bars, beat_ql)
    num, den = (int(x) for x in ratio.split("/"))
    return ds.DevSong(
        name=p.name, style=f"corpus:{p.path}" + (f"#{p.number}" if p.number else ""),
        midi=encode_file(tracks),
        beats=np.array([float(q) * spq for q in beats]),
        downbeats=np.array([float(q) * spq for q in downbeats]), meter=meter,
        tempo=60.0 / (float(beat_ql) * spq),
        sections=tuple((float(a) * spq, float(b) * spq, label)
                       for a, b, label in sections_of(bars)),
        drums=False, signature=(num, den), duration=float(end - start) * spq)


SPLITS: dict[str, tuple[Piece, ...]] = {"corpus": PIECES, "corpus2": CORPUS2, "corpus3": CORPUS3}


def songs(split: str = "corpus") -> list[ds.DevSong]:
    """The songs of the corpus split ``split`` (``corpus``, ``corpus2`` or ``corpus3``), in its
    order."""
    return [make_piece(p.name) for p in SPLITS[split]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="corpus", choices=tuple(SPLITS))
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--only", nargs="+", default=None)
    args = parser.parse_args()
    for p in SPLITS[args.split]:
        if args.only and p.name not in args.only:
            continue
        song = make_piece(p.name)
        path = ds.render(song, args.out)
        print(f"{song.name:34s} {song.signature[0]}/{song.signature[1]} meter {song.meter} "
              f"{song.tempo:6.1f} BPM {song.duration:5.1f} s {len(song.sections)} sections  "
              f"{path}")


if __name__ == "__main__":
    main()
