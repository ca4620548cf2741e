"""Toneless pinyin read into the Chinese words the rules are written in.

Some residents cannot type characters and write pinyin without tones, joined or not
("louxia you ge laoren yundao le"). A message whose Latin words are nearly all pinyin
syllables is cut into syllables, and every run of syllables that sounds like a taxonomy
word of two or more characters gets that word written after it, the way the English
glossary does ("yun dao晕倒"); homophones in the taxonomy are all written. Single
syllables are left alone: one syllable has too many characters to guess from.

The index of the taxonomy's words by sound is built by :meth:`PinyinReader.prepare`
(the classifier's ``warm_up``, in a thread at start-up) or else on the first pinyin
message, so pypinyin's dictionary never delays the first answer.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from functools import lru_cache

from nlp.english import NBSP, Glossary

__all__ = ["PinyinReader", "syllables"]

# every toneless syllable of Mandarin (ü written v, as on a keyboard)
SYLLABLES = frozenset(
    """a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca
    cai can cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu
    chua chuai chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang
    dao de dei den deng di dian diao die ding diu dong dou du duan dui dun duo e ei en eng
    er fa fan fang fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu
    gua guai guan guang gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai
    huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka
    kai kan kang kao ke ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang
    lao le lei leng li lia lian liang liao lie lin ling liu lo long lou lu luan lun luo lv
    lve ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai
    nan nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan nun
    nuo nv nve o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi
    qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri
    rong rou ru rua ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang
    shao she shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si song sou
    su suan sui sun suo ta tai tan tang tao te teng ti tian tiao tie ting tong tou tu tuan
    tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong
    xiu xu xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai
    zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou
    zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo""".split()
)
_LONGEST = max(map(len, SYLLABLES))
_WORD = re.compile(r"[a-z]+")
_ANY_WORD = re.compile(r"[a-z0-9']+")
# a message is read as pinyin when at least this share of its Latin words are pinyin,
# and it has at least this many of them: "he ran" or "a man" stay English
_SHARE = 0.8
_MIN_WORDS = 3


@lru_cache(maxsize=4096)
def syllables(word: str) -> tuple[str, ...] | None:
    """``word`` cut into pinyin syllables ("laoren" -> ("lao", "ren")), or None.

    The longest first syllable that lets the rest be cut too wins: "xian" is one
    syllable, as most writers mean it."""
    if not word:
        return ()
    for n in range(min(_LONGEST, len(word)), 0, -1):
        head = word[:n]
        if head in SYLLABLES:
            rest = syllables(word[n:])
            if rest is not None:
                return (head, *rest)
    return None


def _is_pinyin(text: str) -> bool:
    words = _ANY_WORD.findall(text)
    if len(words) < _MIN_WORDS:
        return False
    hits = sum(1 for w in words if w.isalpha() and syllables(w) is not None)
    return hits >= _MIN_WORDS and hits >= _SHARE * len(words)


class PinyinReader:
    """Reads pinyin messages through the sounds of ``terms`` (the taxonomy's words)."""

    def __init__(self, terms: Iterable[str]) -> None:
        self._terms = tuple(
            t
            for t in dict.fromkeys(terms)
            if 2 <= len(t) <= 6 and all("\u4e00" <= c <= "\u9fff" for c in t)
        )
        self._glossary: Glossary | None = None
        self._lock = threading.Lock()

    def read(self, text: str) -> str | None:
        """``text`` with the taxonomy words its pinyin sounds like written in, or None
        when it is not pinyin. ``text`` is already folded."""
        if not _is_pinyin(text):
            return None
        split = _WORD.sub(lambda m: " ".join(syllables(m.group()) or (m.group(),)), text)
        return self._glossary_built().apply(split)

    def prepare(self) -> None:
        """Build the index by sound now (about 0.5 s), e.g. in a thread at start-up."""
        self._glossary_built()

    def _glossary_built(self) -> Glossary:
        if self._glossary is None:
            with self._lock:
                if self._glossary is None:
                    self._glossary = Glossary(_by_sound(self._terms).items())
        return self._glossary


def _by_sound(terms: Iterable[str]) -> dict[str, str]:
    """Pattern of syllables -> the words that sound like it, joined by no-break spaces."""
    from pypinyin import Style, lazy_pinyin  # only on the first pinyin message

    sounds: dict[str, list[str]] = {}
    for term in terms:
        sound = " ".join(lazy_pinyin(term, style=Style.NORMAL, v_to_u=False))
        sounds.setdefault(sound, []).append(term)
    return {sound: NBSP.join(words) for sound, words in sounds.items()}
